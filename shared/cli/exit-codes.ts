/**
 * The exit codes of both programs, so scripts can tell failures apart without
 * parsing messages. The README's "Exit codes" table lists the same.
 */
export const ExitCode = {
  ok: 0,
  /** any other error a person can act on */
  failed: 1,
  /** the command line itself is wrong (unknown option, missing argument, bad value) */
  usage: 2,
  /** a buildout file or a deployment target is wrong */
  config: 3,
  /** the host cannot be reached, or it is not the host we trust */
  unreachable: 4,
  /** the deploy lock is held by someone else */
  locked: 5,
  /** the deploy failed on the host, which rolled back to the release it served before */
  deployFailed: 6,
  /** a bug: the stack trace is printed (EX_SOFTWARE) */
  internal: 70,
  /** interrupted by Ctrl-C (128 + SIGINT) */
  interrupted: 130,
} as const;

// By error kind (the class name), because an agent's error reaches ctl as a
// kind carried in gRPC metadata, not as an instance of the class.
const BY_KIND: Record<string, number> = {
  UsageError: ExitCode.usage,
  ConfigError: ExitCode.config,
  TargetError: ExitCode.config,
  AgentUnreachableError: ExitCode.unreachable,
  TrustError: ExitCode.unreachable,
  BootstrapError: ExitCode.unreachable,
  LockError: ExitCode.locked,
  DeployFailedError: ExitCode.deployFailed,
  InterruptedError: ExitCode.interrupted,
};

/** The exit code for an error of this kind (see ExitCode); 1 for kinds without one of their own. */
export function exitCodeForKind(kind: string): number {
  return BY_KIND[kind] ?? ExitCode.failed;
}
