import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CTL, type CommandResult } from './ctl.ts';

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Runs the real `ctl` on a pseudo-terminal (util-linux `script`), typing each answer once
 * its prompt appears, as a person at a terminal would. stdout is what the terminal showed
 * (line ends as \n, cursor moves removed); stderr is kept off the terminal, so no progress bar mixes in.
 */
export function ctlOnTerminal(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; answers: readonly { prompt: string; answer: string }[]; timeoutMs?: number },
): Promise<CommandResult> {
  const scratch = mkdtempSync(join(tmpdir(), 'hostout-terminal-'));
  const stderrFile = join(scratch, 'stderr');
  const command = `${[process.execPath, CTL, ...args].map(shellQuote).join(' ')} 2>${shellQuote(stderrFile)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let shown = '';
    let answered = 0;
    let searchFrom = 0;
    child.stdout!.on('data', (data) => {
      shown += data;
      const next = options.answers[answered];
      const at = next ? shown.indexOf(next.prompt, searchFrom) : -1;
      if (next && at >= 0) {
        searchFrom = at + next.prompt.length;
        answered++;
        child.stdin!.write(`${next.answer}\r`);
      }
    });
    child.stderr!.on('data', (data) => (shown += data));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let stderr = '';
      try {
        stderr = readFileSync(stderrFile, 'utf8');
      } catch {
        // ctl did not start
      }
      rmSync(scratch, { recursive: true, force: true });
      resolve({ code: code ?? -1, stdout: shown.replace(/\r+\n/g, '\n').replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''), stderr });
    });
  });
}
