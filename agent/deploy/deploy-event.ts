import type { DeployPhase } from '../state/journal.ts';

/** What a deploy or rollback tells whoever watches it: the controller's stream, the CLI, the log. */
export interface DeployEvent {
  phase: DeployPhase | 'already';
  state: 'started' | 'done' | 'failed' | 'output' | 'info';
  message: string;
  tag: string;
  /** the deployment version the event is about (0.1, 0.2, …), '' when none */
  version: string;
  timeMs: number;
}

export type EmitDeployEvent = (event: DeployEvent) => void;
