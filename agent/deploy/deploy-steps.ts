import type { Agent } from '../agent.ts';
import type { DeploySettings } from '../../shared/manifest.ts';
import { typedError } from '../../shared/system-error.ts';
import { serviceControl, type ServiceControl } from '../services/service-control.ts';
import { databaseBackup, type DatabaseBackup } from '../backup/database-backup.ts';
import { backupDir, releaseDir } from '../state/agent-layout.ts';
import { appendJournal, type DeployPhase, type JournalPhase } from '../state/journal.ts';
import type { DeployEvent, EmitDeployEvent } from './deploy-event.ts';
import type { PhaseOutputRecorder } from '../logs/deploy-output-store.ts';
import { pointToFullOutput } from '../logs/output-tail.ts';

/**
 * What deploy, rollback and recovery share: journaling a phase, telling the
 * watcher, logging with tag and phase, storing the phase output for `ctl logs`,
 * and the plug points for one release. The caller ends the output's recording
 * (agent.deployOutput.end) when the run is over.
 */
export class DeployContext {
  private readonly recorder: PhaseOutputRecorder;

  constructor(
    readonly agent: Agent,
    readonly deployId: string,
    readonly tag: string,
    readonly version: string,
    readonly previous: string | undefined,
    private readonly emitEvent: EmitDeployEvent,
    /** who asked (the lock holder): written on the run's first journal entry */
    private by?: string,
  ) {
    this.recorder = agent.deployOutput.begin({ tag, version, deployId });
  }

  emit(phase: DeployEvent['phase'], state: DeployEvent['state'], message: string, tag = this.tag, version = this.version): void {
    this.agent.log[state === 'failed' ? 'error' : 'info']({ tag, phase, state, deployId: this.deployId }, message);
    if (phase !== 'already') {
      if (state === 'output') this.recorder.output(phase, message);
      else this.recorder.marker(phase, state, message);
    }
    this.emitEvent({ phase, state, message, tag, version, timeMs: Date.now() });
  }

  /** The command that shows all of a phase's stored output. */
  fullOutputCommand(phase: DeployPhase): string {
    return `ctl logs --tag ${this.tag} --phase ${phase}`;
  }

  journal(phase: JournalPhase, state: 'started' | 'done' | 'failed', message?: string, instance?: string): void {
    appendJournal(this.agent.layout.journalFile, {
      deployId: this.deployId,
      tag: this.tag,
      phase,
      state,
      previous: this.previous,
      version: this.version,
      ...(message ? { message } : {}),
      ...(instance ? { instance } : {}),
      ...(this.by ? { by: this.by } : {}),
    });
    this.by = undefined;
  }

  /** Phase roll: one instance of a rolling switch, before it is touched and once it is back (rolling-switch.ts). */
  journalInstance(state: 'started' | 'done', instance: string, message?: string): void {
    this.journal('roll', state, message ? `${instance}: ${message}` : undefined, instance);
  }

  /** Runs one phase: journaled before and after, announced, failures journaled with their reason. */
  async phase<T>(phase: DeployPhase, startMessage: string, work: () => Promise<T>, doneMessage?: (result: T) => string): Promise<T> {
    this.journal(phase, 'started');
    this.emit(phase, 'started', startMessage);
    await pauseForFaultInjection(phase);
    try {
      const result = await work();
      this.journal(phase, 'done');
      this.emit(phase, 'done', doneMessage ? doneMessage(result) : 'done');
      return result;
    } catch (error) {
      // a system error (ENOSPC...) is journaled and shown as what it means, not as Node's errno text;
      // an error showing the last lines of long output names where all of it is
      const typed = typedError(error) as Error;
      typed.message = pointToFullOutput(typed.message, this.fullOutputCommand(phase));
      const message = typed.message;
      this.journal(phase, 'failed', message);
      this.emit(phase, 'failed', message);
      throw typed;
    }
  }

  /** Output of buildout and services, streamed as it comes. */
  output(phase: DeployPhase) {
    return (line: string) => this.emit(phase, 'output', line);
  }

  settingsOf(tag: string): DeploySettings | undefined {
    return this.agent.manifestOf(tag)?.manifest.settings;
  }

  services(tag: string, phase: DeployPhase): ServiceControl {
    return serviceControl(this.settingsOf(tag)?.services ?? { kind: 'none', names: [] }, this.output(phase));
  }

  database(tag: string, phase: DeployPhase): DatabaseBackup {
    return databaseBackup(this.settingsOf(tag)?.db ?? { kind: 'none', paths: [] }, this.agent.layout.sharedVarDir, this.output(phase), this.agent.config.python);
  }

  releaseDir(tag: string): string {
    return releaseDir(this.agent.layout, tag);
  }

  backupDir(tag: string): string {
    return backupDir(this.agent.layout, tag);
  }
}

/**
 * HOSTOUT_PAUSE_IN_PHASE=build:3000 holds a deploy for 3 s right after it
 * journaled the start of `build`: how the tests kill an agent inside a given
 * phase, and how an operator can rehearse a crash. `roll-instance` holds it after
 * each instance of a rolling switch has moved. Unset, it costs nothing.
 */
export async function pauseForFaultInjection(phase: DeployPhase | 'roll-instance'): Promise<void> {
  const [pausePhase, ms] = (process.env.HOSTOUT_PAUSE_IN_PHASE ?? '').split(':');
  if (pausePhase === phase) await new Promise((resolve) => setTimeout(resolve, Number(ms) || 0));
}
