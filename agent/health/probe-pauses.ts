/**
 * How long the health check waits after a failed probe. A service usually answers within a
 * second of its start command, so the first pauses are tens of milliseconds and grow by 5 %
 * (a healthy answer is noticed at most a twentieth of the time waited so far after it came), up to
 * 1 s, and never more than health-timeout / health-retries, so at least that many probes fit.
 */
export const FIRST_PAUSE_MS = 20;
export const PAUSE_GROWTH = 1.05;
export const LONGEST_PAUSE_MS = 1000;

/** The pause after the `failedProbes`-th failed probe (1 for the first). */
export function pauseAfterFailedProbe(failedProbes: number, timeoutMs: number, retries: number): number {
  const evenSpread = timeoutMs / Math.max(1, Math.floor(retries));
  return Math.min(FIRST_PAUSE_MS * PAUSE_GROWTH ** (Math.max(1, failedProbes) - 1), LONGEST_PAUSE_MS, evenSpread);
}
