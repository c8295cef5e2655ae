import type { Command } from 'commander';
import { exitCodeForKind, ExitCode } from '../../shared/cli/exit-codes.ts';
import type { CheckReport } from '../check/run-check.ts';

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('check that a deploy can go through: config, agent, fingerprint, key, the host\'s python and buildout, disk, lock, clock (changes nothing)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print the checks as one JSON object')
    .action(async (target: string | undefined, options: { config: string; json?: boolean }) => {
      // gRPC and the release code load only when a command needs them
      const { runCheck } = await import('../check/run-check.ts');
      const report = await runCheck(options.config, target);
      const ok = report.checks.every((c) => c.status !== 'fail');
      process.stdout.write(options.json ? JSON.stringify({ ...report, ok }, null, 2) + '\n' : checkLines(report));
      process.exitCode = checkExitCode(report);
    });
}

/** One line per check, a problem's hint on the line below it; what a failure kept from being checked, on one line. */
function checkLines(report: CheckReport): string {
  const width = Math.max(...report.checks.map((c) => c.name.length));
  const lines = report.checks.filter((c) => c.status !== 'skip').map((c) => {
    const line = `${c.name.padEnd(width)}  ${c.status === 'fail' ? 'FAIL' : c.status.padEnd(4)}  ${c.message}`;
    return c.hint && c.status !== 'ok' ? `${line}\n${' '.repeat(width + 8)}hint: ${c.hint}` : line;
  });
  const skipped = report.checks.filter((c) => c.status === 'skip').map((c) => c.name);
  if (skipped.length) lines.push(`Not checked, since an earlier check failed: ${skipped.join(', ')}`);
  return lines.join('\n') + '\n';
}

/** 0 when nothing failed; else the code of the first failing check's kind (exit-codes.ts), or 1. */
function checkExitCode(report: CheckReport): number {
  const first = report.checks.find((c) => c.status === 'fail');
  if (!first) return ExitCode.ok;
  return first.kind ? exitCodeForKind(first.kind) : ExitCode.failed;
}
