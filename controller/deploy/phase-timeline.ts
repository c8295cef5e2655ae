import type { PhaseEvent } from './deploy-progress.ts';
import { downtimeMs, type PhaseTiming } from '../../shared/deploy/phase-timing.ts';

export type { PhaseTiming };

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
    return downtimeMs(this.finished);
  }
}
