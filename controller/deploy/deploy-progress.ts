import { PLAIN, type TextStyle } from '../cli/terminal.ts';
import { visibleLine, visibleText } from '../../shared/text/visible-text.ts';

/**
 * The deploy as people read it: one line per phase ("Running remote
 * buildout...done"), buildout's own output only with --verbose or on failure.
 */
export interface PhaseEvent {
  phase: string;
  state: string;
  message: string;
  /** the deployment version the event is about (0.1, 0.2, …) */
  version: string;
  tag?: string;
}

const LABELS: Record<string, string> = {
  verify: 'Verifying release on host',
  stage: 'Deploying buildout to host',
  build: 'Running remote buildout',
  prebackup: 'Backing up database while it serves',
  stop: 'Stopping remote services',
  backup: 'Backing up database',
  switch: 'Switching the current release',
  migrate: 'Migrating the database',
  start: 'Starting remote services',
  roll: 'Restarting the instances one at a time',
  health: 'Checking health',
  prune: 'Removing old releases',
  rollback: 'Rolling back',
};

export class DeployProgress {
  private open?: string;

  constructor(
    private readonly write: (text: string) => void,
    private readonly verbose: boolean,
    private readonly terminal: { style: TextStyle; status(text: string): void } = { style: PLAIN, status: () => undefined },
  ) {}

  event(raw: PhaseEvent): void {
    // what the host says (phase output, messages) is shown, never obeyed by the terminal
    const event = { ...raw, phase: visibleLine(raw.phase), message: visibleText(raw.message) };
    const label = LABELS[event.phase] ?? event.phase;
    if (event.state === 'output') {
      if (this.verbose) this.line(`    ${event.message}`);
      else this.terminal.status(event.message);
      return;
    }
    if (event.state === 'started') {
      this.closeOpen();
      this.write(`${label}...`);
      this.open = event.phase;
      return;
    }
    if (event.state === 'done') {
      if (this.open === event.phase) {
        const done = this.terminal.style.ok('done');
        this.write(event.message && event.message !== 'done' && !this.verbose ? `${done} (${event.message})\n` : `${done}\n`);
        this.open = undefined;
      } else if (event.phase !== 'commit') this.line(`${label}: ${event.message}`);
      return;
    }
    if (event.state === 'failed') {
      // A phase that fails ends the deploy with an error saying why: printed there, once.
      const reportedAsError = this.open === event.phase && event.phase !== 'rollback';
      if (this.open === event.phase) {
        this.write(`${this.terminal.style.fail('FAILED')}\n`);
        this.open = undefined;
      }
      if (!reportedAsError) this.line(`  ${event.message.split('\n').join('\n  ')}`);
      return;
    }
    if (event.phase !== 'already') this.line(event.message);
  }

  private line(text: string): void {
    this.closeOpen();
    this.write(`${text}\n`);
  }

  private closeOpen(): void {
    if (this.open) {
      this.write('\n');
      this.open = undefined;
    }
  }

  finish(): void {
    this.closeOpen();
  }
}
