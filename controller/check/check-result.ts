/** One line of `ctl check`: what was checked, whether it passed, and what to do if not. */
export interface CheckResult {
  name: CheckName;
  /** warn: works now, but act soon; skip: could not be checked because an earlier check failed */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  message: string;
  hint?: string;
  /** the error kind a failure stands for (shared/cli/exit-codes.ts picks the exit code from it) */
  kind?: string;
}

export const CHECK_NAMES = ['config', 'agent', 'fingerprint', 'key', 'python', 'buildout', 'disk', 'lock', 'path', 'clock', 'balancer'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];
