import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { StateError } from '../../shared/errors.ts';
import { compareDeploymentVersions } from '../../shared/deployment-version.ts';
import { readJournalTail } from '../state/journal.ts';
import { acquireDeployLock } from '../state/deploy-lock.ts';
import { refuseWhileMaintenanceLocked } from '../maintenance/maintenance-lock.ts';
import { checkHealth } from '../health/health-check.ts';
import type { Agent } from '../agent.ts';
import type { ReleaseInfo } from '../state/release-store.ts';
import { DeployContext } from './deploy-steps.ts';
import { chooseStopCommand } from './stop-command-choice.ts';
import { stopRunningRelease } from './stop-running-release.ts';
import type { EmitDeployEvent } from './deploy-event.ts';
import type { DeploySettings } from '../../shared/manifest.ts';
import { plural } from '../../shared/text/plural.ts';
import { chooseSwitchMode } from './switch-mode.ts';
import { rollInstances, rollInstancesBack } from './rolling-switch.ts';

export class NotFoundError extends StateError {}

/**
 * Switches back to an earlier, still built release and restarts: no rebuild,
 * no network. With `withDb`, also restores the database as it was while that
 * release ran (the backup taken right before the release after it went live).
 */
export async function rollbackRelease(agent: Agent, request: { to?: string; withDb: boolean; skipStop?: boolean; holder: string }, emit: EmitDeployEvent): Promise<{ tag: string; version: string }> {
  refuseWhileMaintenanceLocked(agent.layout.maintenanceLockFile, 'rollback');
  const current = agent.releases.currentRelease();
  const releases = agent.releases.list().filter((r) => r.built);
  const currentInfo = releases.find((r) => r.tag === current);
  const target = pickTarget(releases, currentInfo, request.to, () => liveBefore(agent, current));

  const lock = acquireDeployLock(agent.layout.lockFile, { holder: request.holder, tag: target.tag });
  agent.activity = `rolling back to ${target.tag}`;
  try {
    // again under the deploy lock (see agent/maintenance/maintenance-lock.ts)
    refuseWhileMaintenanceLocked(agent.layout.maintenanceLockFile, 'rollback');
    const context = new DeployContext(agent, randomUUID(), target.tag, target.version, current, emit, request.holder);
    context.journal('rollback', 'started', `to version ${target.version}${request.withDb ? ' with its database' : ''}`);
    context.emit('rollback', 'started', `rolling back from version ${currentInfo?.version ?? '-'} to version ${target.version}`);
    const targetSettings = context.settingsOf(target.tag);
    const mode = current && targetSettings
      ? chooseSwitchMode({ running: context.settingsOf(current)?.services, incoming: targetSettings.services, withDb: request.withDb, skipStop: request.skipStop })
      : { rolling: false as const };
    if (mode.rolling) return await rollBackRolling(context, { tag: current!, version: currentInfo?.version ?? '-' }, target, targetSettings!);
    if ('why' in mode && mode.why) context.emit('stop', 'info', mode.why);
    if (current) {
      const running = { tag: current, version: currentInfo?.version ?? '-' };
      await stopRunningRelease(context, running, chooseStopCommand({ ...running, services: context.settingsOf(current)?.services }), Boolean(request.skipStop));
    }
    if (request.withDb) {
      const backup = backupWhileRunning(agent, releases, target);
      await context.phase('backup', `restoring the database from backups/${backup}`, () => context.database(backup, 'backup').restore(context.backupDir(backup)));
    }
    await context.phase('switch', `switching current to ${target.tag}`, async () => void agent.releases.switchCurrent(target.tag));
    await context.phase('start', `starting version ${target.version}`, () => context.services(target.tag, 'start').start(context.releaseDir(target.tag)));
    const settings = context.settingsOf(target.tag);
    if (settings) {
      const health = await checkHealth(settings.health, context.releaseDir(target.tag), context.output('health'));
      context.emit('health', health.ok ? 'done' : 'failed', health.ok ? 'healthy' : `unhealthy: ${health.reason}`);
    }
    agent.releases.writeReleaseInfo({ ...target, deployed: new Date().toISOString() });
    context.journal('rollback', 'done');
    context.emit('rollback', 'done', `version ${target.version} is live`);
    return { tag: target.tag, version: target.version };
  } finally {
    agent.activity = 'idle';
    agent.deployOutput.end(target.tag);
    lock.release();
  }
}

/**
 * A rollback with instances: one at a time to the target release, as a deploy rolls. An instance
 * that fails sends the ones already moved back, and the host stays on the release it ran.
 */
async function rollBackRolling(context: DeployContext, current: { tag: string; version: string }, target: ReleaseInfo, settings: DeploySettings): Promise<{ tag: string; version: string }> {
  const { agent } = context;
  const from = { ...current, dir: context.releaseDir(current.tag) };
  const to = { tag: target.tag, version: target.version, dir: context.releaseDir(target.tag) };
  const count = settings.services.instances!.length;
  try {
    await context.phase('roll', `restarting ${plural(count, 'instance')} one at a time, version ${from.version} → ${to.version}`, () => rollInstances(context, from, to, settings.services, settings.health), (n) => `${plural(n, 'instance')} on version ${to.version}`);
  } catch (error) {
    const currentSettings = context.settingsOf(current.tag) ?? settings;
    const problems = await rollInstancesBack(context, to, from, currentSettings.services, currentSettings.health);
    const outcome = `the instances that had moved went back: version ${current.version} stays live${problems.length ? `, with problems: ${problems.join('; ')}` : ''}`;
    context.journal('rollback', 'done', `failed: ${(error as Error).message.split('\n')[0]}; ${outcome}`);
    context.emit('rollback', 'failed', outcome, current.tag, current.version);
    throw new StateError(`rollback to version ${to.version} failed: ${(error as Error).message}\n  ${outcome}`, {
      where: `${agent.layout.root} (phase roll)`,
      hint: problems.length ? '`ctl status` and `ctl logs --phase roll` show where each instance is' : `the host serves version ${current.version} on every instance; \`ctl logs --tag ${target.tag} --phase roll\` shows why the instance failed`,
      cause: error,
    });
  }
  await context.phase('switch', `switching current to ${target.tag}`, async () => void agent.releases.switchCurrent(target.tag));
  const health = await checkHealth(settings.health, to.dir, context.output('health'));
  context.emit('health', health.ok ? 'done' : 'failed', health.ok ? 'healthy' : `unhealthy: ${health.reason}`);
  agent.releases.writeReleaseInfo({ ...target, deployed: new Date().toISOString() });
  context.journal('rollback', 'done');
  context.emit('rollback', 'done', `version ${target.version} is live`);
  return { tag: target.tag, version: target.version };
}

/**
 * The release that was live right before the current one went live: the `previous` of the
 * deploy (or rollback) that made it current, from the journal. Undefined when the journal no
 * longer says (then the kept release that went live last before it serves).
 */
function liveBefore(agent: Agent, current: string | undefined): string | undefined {
  if (!current) return undefined;
  const wentLive = readJournalTail(agent.layout.journalFile, JOURNAL_LINES_FOR_PREVIOUS)
    .filter((e) => e.tag === current && e.state === 'done' && (e.phase === 'commit' || e.phase === 'rollback'))
    .at(-1);
  // a rollback's own `rollback done` names where it came from; an undo's (a failed deploy) is not a going live
  return wentLive?.previous !== current ? wentLive?.previous : undefined;
}

const JOURNAL_LINES_FOR_PREVIOUS = 20_000;

/**
 * Where a rollback goes: `to` when named (any built release); else the release that was live
 * before the current one, never one that never served (a release a fleet rollout prepared and
 * did not take live, or one whose deploy failed).
 */
function pickTarget(releases: readonly ReleaseInfo[], current: ReleaseInfo | undefined, to: string | undefined, previousLive: () => string | undefined): ReleaseInfo {
  if (to) {
    const found = releases.find((r) => r.tag === to || r.version === to);
    if (!found) {
      throw new NotFoundError(`no built release ${to} on this host`, { hint: `kept releases: ${releases.map((r) => `${r.version} (${r.tag})`).join(', ') || 'none'}` });
    }
    if (found.tag === current?.tag) throw new StateError(`version ${found.version} is already live`);
    return found;
  }
  const before = previousLive();
  const fromJournal = releases.find((r) => r.tag === before && r.tag !== current?.tag);
  if (fromJournal) return fromJournal;
  // the journal no longer says: the kept release that went live last, before the current one did
  const served = releases
    .filter((r) => r.deployed && r.tag !== current?.tag && (!current?.deployed || r.deployed < current.deployed))
    .sort((a, b) => a.deployed!.localeCompare(b.deployed!));
  const earlier = served.at(-1);
  if (!earlier) throw new NotFoundError('there is no earlier release that served to roll back to', { hint: 'see the kept releases with `ctl status`; `ctl rollback --to VERSION` takes any of them' });
  return earlier;
}

/** The backup taken right before the release that followed `target` went live: the data as `target` left it. */
export function backupWhileRunning(agent: Agent, releases: readonly ReleaseInfo[], target: ReleaseInfo): string {
  const after = releases.filter((r) => compareDeploymentVersions(r.version, target.version) > 0).find((r) => existsSync(`${agent.layout.backupsDir}/${r.tag}`));
  if (!after) throw new NotFoundError(`no database backup from the time version ${target.version} ran`, { hint: 'roll back without --with-db' });
  return after.tag;
}
