import { hostLabel, type TargetHost } from '../target/target-hosts.ts';

export type HostOutcome<T> = { host: TargetHost; label: string; ok: true; value: T } | { host: TargetHost; label: string; ok: false; error: Error };

/**
 * Runs `work` for every host, at most `parallel` at once, and returns each
 * host's outcome in the hosts' order; one host's failure never stops the others.
 * `onSettled` counts progress (done of total) as hosts finish.
 */
export async function onEachHost<T>(
  hosts: readonly TargetHost[],
  parallel: number,
  work: (host: TargetHost) => Promise<T>,
  onSettled?: (done: number, total: number) => void,
): Promise<HostOutcome<T>[]> {
  const outcomes: HostOutcome<T>[] = new Array(hosts.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < hosts.length) {
      const index = next++;
      const host = hosts[index]!;
      const label = hostLabel(host);
      try {
        outcomes[index] = { host, label, ok: true, value: await work(host) };
      } catch (error) {
        outcomes[index] = { host, label, ok: false, error: error as Error };
      }
      onSettled?.(++done, hosts.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, hosts.length)) }, worker));
  return outcomes;
}
