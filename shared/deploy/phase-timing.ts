/** One phase of a deploy or rollback on a timeline: what ctl reports and what the agent's journal gives back. */
export interface PhaseTiming {
  phase: string;
  /** milliseconds from the first event of the deploy */
  startMs: number;
  durationMs: number;
  /** unfinished: the journal has its start but no end (the agent was killed, or it is still running) */
  outcome: 'done' | 'failed' | 'unfinished';
  /** why it failed */
  message?: string;
}

// The site is down from the moment its services are asked to stop until it answers
// again: the health check passed (or, without one, the services started); after a
// failure, until the rollback brought the previous release back.
const DOWN_FROM = 'stop';
const UP_AT = ['rollback', 'health', 'start'];

/** Stop to healthy, in ms; undefined when the services were not stopped or never came back. */
export function downtimeMs(phases: readonly PhaseTiming[]): number | undefined {
  const down = phases.find((p) => p.phase === DOWN_FROM);
  if (!down) return undefined;
  const endedLater = phases.filter((p) => p.outcome === 'done' && p.startMs + p.durationMs >= down.startMs);
  const up = UP_AT.map((phase) => [...endedLater].reverse().find((p) => p.phase === phase)).find(Boolean);
  return up ? up.startMs + up.durationMs - down.startMs : undefined;
}
