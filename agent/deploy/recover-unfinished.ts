import { readJournal, lastUnfinishedDeploy } from '../state/journal.ts';
import { acquireDeployLock, releaseStaleDeployLock } from '../state/deploy-lock.ts';
import type { Agent } from '../agent.ts';
import type { DeployContext } from './deploy-steps.ts';
import type { EmitDeployEvent } from './deploy-event.ts';

/**
 * What an agent does first when it starts: finish the deploy or rollback a
 * killed agent left half-way, from the journal. Before `stop`, the staged
 * release is dropped; after a healthy start, the commit is completed; in
 * between (or once an instance began to roll), the deploy is undone; an interrupted rollback is carried out again.
 */
export async function recoverUnfinished(agent: Agent, emit: EmitDeployEvent): Promise<string | undefined> {
  const dead = releaseStaleDeployLock(agent.layout.lockFile);
  if (dead) agent.log.warn({ tag: dead.tag, phase: 'recover' }, `cleared the deploy lock of process ${dead.pid} (${dead.holder}), which died`);
  const unfinished = lastUnfinishedDeploy(readJournal(agent.layout.journalFile));
  if (!unfinished) return undefined;
  const { last, entries } = unfinished;
  const reached = new Set(entries.filter((e) => e.state !== 'failed').map((e) => e.phase));
  // nothing to recover is the usual start: the deploy code loads only when there is
  const { DeployContext } = await import('./deploy-steps.ts');
  const { undoFailedDeploy } = await import('./undo-failed-deploy.ts');
  const lock = acquireDeployLock(agent.layout.lockFile, { holder: 'agent:recovery', tag: unfinished.tag });
  try {
    const context = new DeployContext(agent, unfinished.deployId, unfinished.tag, last.version ?? agent.releases.findRelease(unfinished.tag)?.version ?? '', entries[0]!.previous, emit);
    if (entries[0]!.phase === 'rollback') return await redoRollback(context, reached);
    if (reached.has('commit') || (reached.has('health') && entries.some((e) => e.phase === 'health' && e.state === 'done'))) {
      const info = agent.releases.findRelease(context.tag);
      if (info) agent.releases.writeReleaseInfo({ ...info, deployed: new Date().toISOString() });
      if (!(await context.services(context.tag, 'start').isRunning(context.releaseDir(context.tag)))) {
        await context.services(context.tag, 'start').start(context.releaseDir(context.tag));
      }
      context.journal('commit', 'done', 'completed after an agent restart');
      context.emit('commit', 'done', `recovered: version ${context.version} is live (the commit was completed after a restart)`);
      return `completed the commit of ${context.tag}`;
    }
    if (reached.has('stop') || reached.has('roll')) {
      await undoFailedDeploy(context, new Error(`the agent stopped during ${last.phase}`));
      return `rolled back the deploy of ${context.tag}, interrupted during ${last.phase}`;
    }
    // A release staged by this deploy is dropped; one it found already built stays.
    const stagedHere = entries.some((e) => e.phase === 'stage');
    if (stagedHere && agent.releases.findRelease(context.tag) && agent.releases.currentRelease() !== context.tag) {
      agent.releases.removeRelease(context.tag);
    }
    context.journal('aborted', 'done', `interrupted during ${last.phase}, before production was touched`);
    context.emit('verify', 'info', `dropped the deploy of ${context.tag}, interrupted during ${last.phase}; production was not touched`);
    return `dropped the deploy of ${context.tag}`;
  } finally {
    agent.deployOutput.end(unfinished.tag);
    lock.release();
  }
}

/**
 * A rollback on command that was interrupted: do its database restore (when it had begun one),
 * switch and start again; each converges when run again.
 */
async function redoRollback(context: DeployContext, reached: ReadonlySet<string>): Promise<string> {
  const { agent, tag } = context;
  if (context.previous && context.previous !== tag) {
    await context.services(context.previous, 'stop').stop(context.releaseDir(context.previous)).catch(() => undefined);
  }
  if (reached.has('backup')) {
    const { backupWhileRunning } = await import('./rollback-release.ts');
    const backup = backupWhileRunning(agent, agent.releases.list().filter((r) => r.built), agent.releases.findRelease(tag)!);
    await context.database(backup, 'backup').restore(context.backupDir(backup));
    context.emit('backup', 'info', `recovered: the database was restored from backups/${backup} again`);
  }
  if (agent.releases.currentRelease() !== tag) agent.releases.switchCurrent(tag);
  await context.services(tag, 'start').start(context.releaseDir(tag));
  context.journal('rollback', 'done', 'completed after an agent restart');
  context.emit('rollback', 'done', `recovered: version ${context.version} is live (the rollback was completed after a restart)`);
  return `completed the rollback to ${tag}`;
}
