import type { PhaseTiming } from './phase-timing.ts';

/**
 * One past deploy or rollback on a host, as the agent's journal recorded it
 * (the RecentDeploys call): what `ctl report` draws.
 */
export interface DeployRecord {
  deployId: string;
  kind: 'deploy' | 'rollback';
  tag: string;
  /** the deployment version (0.1, 0.2, ...) */
  version: string;
  /** what was live before */
  previousTag: string;
  /** who asked for it: "ana@laptop (9a6d593480b6b9ec)", a key id, or agent:recovery; '' in journals from before */
  by?: string;
  /** the code it shipped: "git 3f2a9c1d + 2 uncommitted files"; '' when unknown */
  source?: string;
  /** ISO time of its first journal line */
  started: string;
  durationMs: number;
  /**
   * deployed; rolled-back: failed after stop and undone; failed: failed before stop,
   * production untouched; done: a rollback that finished; unfinished
   */
  outcome: 'deployed' | 'rolled-back' | 'failed' | 'done' | 'unfinished';
  /** the first failure's message */
  failure: string;
  phases: PhaseTiming[];
  /** whether the services were stopped; downtimeMs is stop to healthy */
  wentDown: boolean;
  downtimeMs: number;
  /** blob bytes the agent received since the deploy before this one began: what this deploy's upload sent */
  bytesReceived: number;
}

export interface RecentDeploys {
  hostname: string;
  /** oldest first */
  deploys: DeployRecord[];
}
