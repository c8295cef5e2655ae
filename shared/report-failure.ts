import { HostoutError } from './errors.ts';

/**
 * How both programs end on an error: one clear message on stderr and exit 1 for
 * errors users can act on; the stack and exit 70 (EX_SOFTWARE) only for bugs.
 */
export function reportFailure(error: unknown): number {
  if (error instanceof HostoutError) {
    process.stderr.write(`error: ${error.describe()}\n`);
    return 1;
  }
  process.stderr.write(`internal error (please report it): ${(error as Error)?.stack ?? error}\n`);
  return 70;
}
