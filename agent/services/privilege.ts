/**
 * The one place that decides how the agent runs a command that needs root: directly when it
 * is root, otherwise through `sudo -n` (never prompting), which the host's sudoers must allow
 * for exactly that command line.
 */
export function asPrivileged(argv: readonly string[], uid: number | undefined = process.getuid?.()): string[] {
  return uid === 0 ? [...argv] : ["sudo", "-n", ...argv];
}

export function runsThroughSudo(argv: readonly string[]): boolean {
  return argv[0] === "sudo";
}
