/** One look at the application's health: healthy, or why not. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** A probe gets the time it may take; it answers, it does not throw. */
export type Probe = (timeoutMs: number) => Promise<ProbeResult>;
