import { rmSync } from 'node:fs';
import { readJournal } from '../state/journal.ts';
import { checkHealth } from '../health/health-check.ts';
import type { DeployContext } from './deploy-steps.ts';
import { rollInstancesBack } from './rolling-switch.ts';

/**
 * Puts the host back as it was before a deploy that failed after `stop`
 * (or was killed there): stop the new release if it started, restore the
 * database if the new release ran on it, switch back, start the old release.
 * Works from the journal, so the agent that failed and an agent restarted
 * after a crash undo a deploy the same way. Returns the problems met (each
 * step is tried whatever the others did): none means the old release serves.
 */
export async function undoFailedDeploy(context: DeployContext, cause: Error | undefined): Promise<string[]> {
  const { agent, tag, previous } = context;
  const reached = phasesStarted(context);
  context.journal('rollback', 'started', cause?.message);
  context.emit('rollback', 'started', previous ? `rolling back to version ${agent.releases.findRelease(previous)?.version}` : 'undoing the failed first deploy');

  const problems: string[] = [];
  const attempt = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
      context.emit('rollback', 'info', `${what} failed: ${(error as Error).message}`);
    }
  };

  if (reached.has('roll') && previous) {
    // rolled: the old release never stopped; the instances that moved go back one at a time, and
    // the database stays as it is (the old instances wrote to it throughout: a restore would lose that)
    const release = (t: string) => ({ tag: t, version: agent.releases.findRelease(t)?.version ?? '-', dir: context.releaseDir(t) });
    const settings = context.settingsOf(previous) ?? context.settingsOf(tag)!;
    problems.push(...(await rollInstancesBack(context, release(tag), release(previous), settings.services, settings.health)));
    context.emit('rollback', 'info', 'the database is not restored: the previous release served from it throughout the roll');
  } else if (reached.has('start')) await attempt(`stopping ${tag}`, () => context.services(tag, 'rollback').stop(context.releaseDir(tag)));
  // the database needs restoring once anything of the new release ran on it: its migration or the release itself
  if ((reached.has('migrate') || reached.has('start')) && reached.has('backup')) {
    await attempt('restoring the database', () => context.database(tag, 'rollback').restore(context.backupDir(tag)));
  }
  const current = agent.releases.currentRelease();
  if (previous) {
    if (current !== previous) await attempt(`switching back to ${previous}`, async () => agent.releases.switchCurrent(previous));
    if (reached.has('stop') && !reached.has('roll')) {
      await attempt(`starting ${previous}`, () => context.services(previous, 'rollback').start(context.releaseDir(previous)));
      await attempt(`checking the health of ${previous}`, () => waitHealthy(context, previous));
    }
  } else if (current === tag) {
    rmSync(agent.layout.currentLink, { force: true });
  }
  await attempt(`removing the failed release ${tag}`, async () => {
    if (agent.releases.currentRelease() !== tag) agent.releases.removeRelease(tag);
  });

  context.journal('rollback', 'done', problems.length ? problems.join('; ') : undefined);
  const version = previous ? agent.releases.findRelease(previous)?.version ?? '' : '';
  context.emit('rollback', problems.length ? 'failed' : 'done', previous ? `version ${version} is live again${problems.length ? `, with problems: ${problems.join('; ')}` : ''}` : 'no release is live', previous ?? tag, version);
  return problems;
}

/** The old release is only back once it answers: wait for its own health check. */
async function waitHealthy(context: DeployContext, tag: string): Promise<void> {
  const settings = context.settingsOf(tag);
  if (!settings) return;
  const result = await checkHealth(settings.health, context.releaseDir(tag), context.output('rollback'));
  if (!result.ok) throw new Error(result.reason);
}

function phasesStarted(context: DeployContext): Set<string> {
  return new Set(
    readJournal(context.agent.layout.journalFile)
      .filter((e) => e.deployId === context.deployId && (e.state === 'started' || e.state === 'done'))
      .map((e) => e.phase),
  );
}
