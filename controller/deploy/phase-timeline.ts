import type { PhaseEvent } from './deploy-progress.ts';

export interface PhaseTiming {
  phase: string;
  /** milliseconds from the first event of the deploy */
  startMs: number;
  durationMs: number;
  outcome: 'done' | 'failed';
}

// The site is down from the moment its services are asked to stop until the
// health check passes (or, without one, until they have started).
const DOWN_FROM = 'stop';
const UP_AT = ['health', 'start'];

/**
 * When each phase of a deploy or rollback started and how long it took, as seen
 * from ctl (event arrival times), and how long the site was down.
 */
export class PhaseTimeline {
  private readonly started = new Map<string, number>();
  private readonly finished: PhaseTiming[] = [];
  private origin?: number;

  constructor(private readonly now: () => number = () => performance.now()) {}

  record(event: PhaseEvent): void {
    const at = this.now();
    this.origin ??= at;
    if (event.state === 'started') this.started.set(event.phase, at);
    if (event.state !== 'done' && event.state !== 'failed') return;
    const began = this.started.get(event.phase);
    if (began === undefined) return; // a one-off report such as "already", not a timed phase
    this.started.delete(event.phase);
    this.finished.push({ phase: event.phase, startMs: Math.round(began - this.origin), durationMs: Math.round(at - began), outcome: event.state });
  }

  phases(): PhaseTiming[] {
    return [...this.finished];
  }

  /** Stop to healthy (or started), in ms; undefined when the services were not stopped. */
  downtimeMs(): number | undefined {
    const down = this.finished.find((p) => p.phase === DOWN_FROM);
    if (!down) return undefined;
    const up = UP_AT.map((phase) => [...this.finished].reverse().find((p) => p.phase === phase && p.outcome === 'done')).find(Boolean);
    return up ? up.startMs + up.durationMs - down.startMs : undefined;
  }
}
