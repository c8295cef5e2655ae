import type { Command } from 'commander';
import { exitCodeForKind, ExitCode } from '../../shared/cli/exit-codes.ts';
import type { CheckReport } from '../check/run-check.ts';
import { outputMode } from './terminal.ts';
import { visibleLine } from '../../shared/text/visible-text.ts';

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('check that a deploy can go through: config, agent, fingerprint, key, the host\'s python and buildout, disk, lock, path, clock, balancer (changes nothing); every host of the target')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--hosts <list>', 'on a target with several hosts: only these (comma-separated HOST or HOST:PORT)')
    .option('--json', 'print the checks as one JSON object')
    .action(async (target: string | undefined, options: { config: string; json?: boolean; hosts?: string }) => {
      // gRPC and the release code load only when a command needs them
      const { runChecks } = await import('../check/run-check.ts');
      const reports = await runChecks(options.config, target, { hosts: options.hosts });
      const ok = (report: CheckReport) => report.checks.every((c) => c.status !== 'fail');
      const quiet = outputMode().quiet;
      if (reports.length === 1) {
        const [report] = reports as [CheckReport];
        process.stdout.write(options.json ? JSON.stringify({ ...report, ok: ok(report) }, null, 2) + '\n' : checkLines(report, quiet));
      } else if (options.json) {
        const [first] = reports as [CheckReport];
        process.stdout.write(JSON.stringify({ target: first.target, ok: reports.every(ok), hosts: reports.map((r) => ({ host: r.host, ok: ok(r), checks: r.checks })) }, null, 2) + '\n');
      } else {
        process.stdout.write(reports.map((r) => `${r.host}  ${ok(r) ? 'ok' : 'FAIL'}\n${indent(checkLines(r, quiet))}`).join(quiet ? '' : '\n'));
        const failing = reports.filter((r) => !ok(r)).map((r) => r.host);
        process.stdout.write(`\n${failing.length ? `${failing.length} of ${reports.length} hosts fail a check: ${failing.join(', ')}` : `All ${reports.length} hosts pass`}\n`);
      }
      // the first failing host's first failing check sets the exit code
      process.exitCode = reports.map(checkExitCode).find((code) => code !== ExitCode.ok) ?? ExitCode.ok;
    });
}

function indent(text: string): string {
  return text.split('\n').map((line) => (line ? `  ${line}` : line)).join('\n');
}

/**
 * One line per check, a problem's hint on the line below it; what a failure kept from being
 * checked, on one line. `quiet` (-q): only the checks that warn or fail, nothing when all pass.
 */
function checkLines(report: CheckReport, quiet = false): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.filter((c) => c.status !== 'skip' && !(quiet && c.status === 'ok')).map((c) => {
    const line = `${c.name.padEnd(width)}  ${c.status === 'fail' ? 'FAIL' : c.status.padEnd(4)}  ${visibleLine(c.message)}`;
    return c.hint && c.status !== 'ok' ? `${line}\n${' '.repeat(width + 8)}hint: ${visibleLine(c.hint)}` : line;
  });
  const skipped = report.checks.filter((c) => c.status === 'skip').map((c) => c.name);
  if (skipped.length) lines.push(`Not checked, since an earlier check failed: ${skipped.join(', ')}`);
  return lines.length ? lines.join('\n') + '\n' : '';
}

/** 0 when nothing failed; else the code of the first failing check's kind (exit-codes.ts), or 1. */
function checkExitCode(report: CheckReport): number {
  const first = report.checks.find((c) => c.status === 'fail');
  if (!first) return ExitCode.ok;
  return first.kind ? exitCodeForKind(first.kind) : ExitCode.failed;
}
