import { HostoutError } from './errors.ts';
import { EXIT, typedError } from './system-error.ts';

/**
 * How both programs end on an error: one clear message on stderr and the error's exit code
 * (1, or sysexits.h for system errors) for errors users can act on; the stack and exit 70
 * (EX_SOFTWARE) only for bugs.
 */
export function reportFailure(error: unknown): number {
  const typed = typedError(error);
  if (typed instanceof HostoutError) {
    process.stderr.write(`error: ${typed.describe()}\n`);
    return typed.exitCode;
  }
  process.stderr.write(`internal error (please report it): ${(error as Error)?.stack ?? error}\n`);
  return EXIT.software;
}
