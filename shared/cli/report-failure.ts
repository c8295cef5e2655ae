import { HostoutError } from '../errors.ts';
import { typedError } from '../system-error.ts';
import { ExitCode, exitCodeForKind } from './exit-codes.ts';
import { visibleText } from '../text/visible-text.ts';

/**
 * How both programs end on an error: one clear message on stderr, or with
 * `--json` one JSON object on stdout (the stream a script parses), and an exit
 * code by kind (shared/cli/exit-codes.ts), or the error's own (system errors:
 * sysexits.h, shared/system-error.ts). The stack only for bugs.
 */
export function reportFailure(failure: unknown, options: { json: boolean; errorLabel?: (label: string) => string }): number {
  const error = typedError(failure);
  const label = options.errorLabel ?? ((text: string) => text);
  const known = error instanceof HostoutError ? error : undefined;
  const kind = known?.kind ?? 'InternalError';
  const exitCode = known ? (known.exitCode ?? exitCodeForKind(kind)) : ExitCode.internal;
  if (options.json) {
    const described = known
      ? { kind, message: known.message, where: known.where, hint: known.hint }
      : { kind, message: `internal error (please report it): ${(error as Error)?.message ?? error}`, stack: (error as Error)?.stack };
    process.stdout.write(JSON.stringify({ error: { ...described, exitCode } }, null, 2) + '\n');
  } else if (known) {
    // an error may quote someone else's words (a lock message, a host's answer): shown, not sent
    process.stderr.write(`${label('error:')} ${visibleText(known.describe())}\n`);
  } else {
    process.stderr.write(`${label('internal error')} (please report it): ${(error as Error)?.stack ?? error}\n`);
  }
  return exitCode;
}

/** Whether the command line asks for JSON output (every reporting command takes `--json`). */
export function wantsJson(argv: readonly string[]): boolean {
  return argv.includes('--json');
}
