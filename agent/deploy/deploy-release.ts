import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HostoutError, StateError, TrustError } from '../../shared/errors.ts';
import type { Manifest, SignedManifest } from '../../shared/manifest.ts';
import { canonicalJson, verifyManifest } from '../../shared/trust/manifest-signature.ts';
import { sha256File } from '../../shared/archive/sha256-file.ts';
import { checkArchiveBounds } from '../../shared/archive/archive-bounds.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { checkReleaseTag } from '../state/agent-layout.ts';
import { acquireDeployLock } from '../state/deploy-lock.ts';
import { refuseWhileMaintenanceLocked } from '../maintenance/maintenance-lock.ts';
import { recordKnownVersions } from '../state/known-versions.ts';
import { versionForRelease } from '../state/deployment-versions.ts';
import { FIRST_DEPLOYMENT_VERSION } from '../../shared/deployment-version.ts';
import { checkHealth } from '../health/health-check.ts';
import { MANIFEST_FILE, type Agent } from '../agent.ts';
import { DeployContext } from './deploy-steps.ts';
import { runBuildout } from './run-buildout.ts';
import { ensureToolchain, placeToolchain, pruneToolchains } from '../toolchain/release-toolchain.ts';
import { measureBackupUsage, pruneBackups } from '../backup/prune-backups.ts';
import { runMigration } from './run-migration.ts';
import { undoFailedDeploy } from './undo-failed-deploy.ts';
import { chooseStopCommand } from './stop-command-choice.ts';
import { StopFailedError, stopRunningRelease } from './stop-running-release.ts';
import { chooseSwitchMode } from './switch-mode.ts';
import { rollInstances } from './rolling-switch.ts';
import { requireScript } from '../services/instance-control.ts';
import { balancerFor } from '../services/balancer.ts';
import type { BackupInfo } from '../backup/database-backup.ts';
import type { EmitDeployEvent } from './deploy-event.ts';
import { plural } from '../../shared/text/plural.ts';
import { formatBytes } from '../../shared/text/human-units.ts';

export interface DeployOutcome {
  tag: string;
  version: string;
  outcome: 'deployed' | 'already' | 'prepared';
}

/** A deploy that failed and was rolled back: the host serves the previous release. */
export class DeployFailedError extends HostoutError {}

/**
 * verify → stage → build → stop → backup → switch → start → health → commit → prune.
 * Before stop, a failure drops the staged release and production never notices;
 * after it, the deploy is undone (switch back, restore, start the old release).
 * Every phase is journaled first, so a restarted agent can finish what a killed one began.
 */
export async function deployRelease(
  agent: Agent,
  signed: SignedManifest,
  options: { force: boolean; skipStop?: boolean; holder: string; prepareOnly?: boolean; version?: string },
  emit: EmitDeployEvent,
): Promise<DeployOutcome> {
  const manifest = signed.manifest;
  refuseWhileMaintenanceLocked(agent.layout.maintenanceLockFile, 'deploy');
  verifySignedManifest(agent, signed);
  checkReleaseTag(manifest.tag);
  const current = agent.releases.currentRelease();
  const currentVersion = current ? agent.releases.findRelease(current)?.version ?? '' : '';
  if (current && !options.force && sameContent(agent.manifestOf(current)?.manifest, manifest)) {
    emit({ phase: 'already', state: 'info', message: `already at version ${currentVersion}`, tag: current, version: currentVersion, timeMs: Date.now() });
    return { tag: current, version: currentVersion, outcome: 'already' };
  }

  const lock = acquireDeployLock(agent.layout.lockFile, { holder: options.holder, tag: manifest.tag });
  agent.activity = `deploying ${manifest.tag}`;
  try {
    // again under the deploy lock: a maintenance lock taken meanwhile either is seen here or sees this deploy
    refuseWhileMaintenanceLocked(agent.layout.maintenanceLockFile, 'deploy');
    const existing = agent.releases.findRelease(manifest.tag);
    // Given out (and recorded) before anything can fail: see deployment-versions.ts for the rule.
    const version = versionForRelease(agent.layout, manifest.tag, manifest.settings.versionSeries ?? FIRST_DEPLOYMENT_VERSION, agent.releases.list(), options.version);
    const context = new DeployContext(agent, randomUUID(), manifest.tag, version, current === manifest.tag ? undefined : current, emit, options.holder);
    try {
      await prepareRelease(context, signed, existing?.built === true);
    } catch (error) {
      // Before stop, production never noticed: drop what this deploy staged and say so.
      if (agent.releases.findRelease(manifest.tag)?.built !== true && agent.releases.currentRelease() !== manifest.tag) {
        try {
          agent.releases.removeRelease(manifest.tag);
        } catch {
          // nothing was staged
        }
      }
      context.journal('aborted', 'done', `${(error as Error).message.split('\n')[0]}; the staged release was dropped`);
      throw error;
    }
    if (options.prepareOnly) {
      // built beside the live release; a later deploy of the same release finds it built and only goes live
      context.journal('prepared', 'done');
      context.emit('build', 'info', `release ${manifest.tag} is built and waits to go live`);
      return { tag: manifest.tag, version, outcome: 'prepared' };
    }

    try {
      await goLive(context, manifest, Boolean(options.skipStop));
    } catch (error) {
      const problems = await undoFailedDeploy(context, error as Error);
      if (error instanceof StopFailedError) {
        throw new DeployFailedError(`deploy of version ${version} stopped before the switch: ${error.message}\n  version ${current ? agent.releases.findRelease(current)?.version : '-'} is still current; the staged release was dropped`, {
          where: error.where,
          hint: error.hint,
          cause: error,
        });
      }
      const previousVersion = context.previous ? agent.releases.findRelease(context.previous)?.version : undefined;
      const back = !context.previous
        ? 'nothing to roll back to: no release is live'
        : problems.length
          ? `rolled back to version ${previousVersion}, with problems: ${problems.join('; ')}`
          : `rolled back to version ${previousVersion}`;
      const logs = `\`ctl logs --tag ${manifest.tag}\` shows this deploy's whole output`;
      throw new DeployFailedError(`deploy of version ${version} failed: ${(error as Error).message}\n  ${back}`, {
        where: `${agent.layout.root} (release ${manifest.tag})`,
        hint: !context.previous
          ? `no release serves; fix the cause and deploy again; ${logs}`
          : problems.length
            ? `version ${previousVersion} is current again, but it may not serve: see the problems above and \`ctl status\`; ${logs} (phase rollback)`
            : `the host serves the previous release; ${logs}`,
        cause: error,
      });
    }

    const info = agent.releases.findRelease(manifest.tag)!;
    agent.releases.writeReleaseInfo({ ...info, deployed: new Date().toISOString() });
    context.journal('commit', 'done');
    context.emit('commit', 'done', `version ${version} is live`);
    await context.phase('prune', 'removing old releases and backups', async () => {
      const releases = agent.releases.prune(manifest.settings.keepReleases, context.previous ? [context.previous] : []);
      const backups = pruneBackups(agent.layout.backupsDir, manifest.settings.keepBackups ?? manifest.settings.keepReleases, [manifest.tag]);
      measureBackupUsage(agent.layout.backupsDir);
      const toolchains = pruneToolchains(agent.layout.toolchainsDir, agent.releases.list().map((r) => agent.manifestOf(r.tag)?.manifest.toolchain));
      return [...releases.removed, ...backups.map((tag) => `backups/${tag}`), ...toolchains];
    }, (removed) => (removed.length ? `removed ${removed.join(', ')}` : 'nothing to remove'));
    agent.deployOutput.prune(agent.releases.list().map((r) => r.tag));
    return { tag: manifest.tag, version, outcome: 'deployed' };
  } finally {
    agent.activity = 'idle';
    agent.deployOutput.end(manifest.tag);
    lock.release();
  }
}

/** verify → stage → build, while the current release keeps serving; a built release is not built again. */
async function prepareRelease(context: DeployContext, signed: SignedManifest, alreadyBuilt: boolean): Promise<void> {
  const { agent, tag, version } = context;
  const manifest = signed.manifest;
  // where it will build is decided first: a host without the release's Python refuses it before anything changes
  const toolchain = await context.phase('verify', `verifying release ${tag} (version ${version})`, async () => {
    const place = await placeToolchain(manifest.toolchain, agent.layout.toolchainsDir, agent.config.python);
    // a balancer that is not there, or does not know the instances, refuses the release before the build
    const { balancer, instances } = manifest.settings.services;
    if (balancer && instances && context.previous) await balancerFor(balancer, context.releaseDir(context.previous)).check(instances);
    await verifyBlobs(agent, manifest);
    await placeEggs(agent, manifest);
    return place;
  }, (place) => `signature and ${releaseBlobsOf(manifest).length} blobs verified; builds with ${place.description}`);
  if (alreadyBuilt) {
    context.emit('build', 'info', `release ${tag} is already built; not building again`);
    return;
  }
  if (agent.releases.findRelease(tag)) agent.releases.removeRelease(tag);
  await context.phase('stage', 'unpacking the buildout and placing eggs', () => stage(agent, signed));
  agent.releases.writeReleaseInfo({ tag, version, created: manifest.created, eggs: manifest.eggs, built: false });
  await context.phase('build', 'running buildout (the current release keeps serving)', async () => {
    await runBuildout({
      python: await ensureToolchain(manifest.toolchain, toolchain, agent.blobs, context.output('build')),
      launcher: agent.buildoutLauncher,
      releaseDir: context.releaseDir(tag),
      buildoutFile: manifest.buildout,
      eggsDirectory: agent.layout.sharedEggsDir,
      onLine: context.output('build'),
    });
    // an instance the target names but buildout did not make is refused while nothing has stopped
    for (const instance of manifest.settings.services.instances ?? []) requireScript(instance, context.releaseDir(tag));
  });
  // Built files reach the disk before the release is marked built: current must never point at a half-written one.
  // (a child process, waited for without blocking: Status and History answer while the disk catches up)
  await new Promise((resolve) => spawn('sync', ['-f', context.releaseDir(tag)], { stdio: 'ignore' }).on('close', resolve).on('error', resolve));
  agent.releases.writeReleaseInfo({ tag, version, created: manifest.created, eggs: manifest.eggs, built: true });
}

/**
 * stop → backup → switch → (migrate) → start → health: the only moments production notices.
 * With instances that can roll: backup (while serving) → roll → switch → health, and production
 * never stops (switch-mode.ts decides, and says why when it cannot).
 */
async function goLive(context: DeployContext, manifest: Manifest, skipStop: boolean): Promise<void> {
  const { previous, tag } = context;
  const mode = chooseSwitchMode({ running: previous ? context.settingsOf(previous)?.services : undefined, incoming: manifest.settings.services, migrate: Boolean(manifest.settings.migrate), skipStop });
  if (mode.rolling) return rollLive(context, manifest, previous!);
  if (mode.why) context.emit('stop', 'info', mode.why);
  // the bulk of the backup while the old release still serves: after stop, only what changed since
  // (one instance for both passes: the second takes up the first as it left it; both log to the backup phase)
  const database = context.database(tag, 'backup');
  if (database.prepare) {
    await context.phase('prebackup', 'backing up the database while the current release serves (first pass)', () => database.prepare!(context.backupDir(tag)), (info) => `${formatBytes(info.bytes)} written`);
  }
  if (previous) {
    const running = { tag: previous, version: context.agent.releases.findRelease(previous)?.version ?? '-' };
    const choice = chooseStopCommand({ ...running, services: context.settingsOf(previous)?.services }, { tag, version: context.version, services: manifest.settings.services });
    await stopRunningRelease(context, running, choice, skipStop);
  } else context.journal('stop', 'done', 'no release was live');
  await context.phase('backup', `backing up the database (${manifest.settings.db.kind}) as backups/${tag}`, () => database.backup(context.backupDir(tag)), describeBackup);
  await context.phase('switch', `switching current to ${tag}`, async () => void context.agent.releases.switchCurrent(tag));
  const migrate = manifest.settings.migrate;
  if (migrate) await context.phase('migrate', `running ${migrate.command}`, () => runMigration(migrate, context.releaseDir(tag), context.output('migrate')));
  await context.phase('start', `starting version ${context.version}`, () => context.services(tag, 'start').start(context.releaseDir(tag)));
  await checkReleaseHealth(context, manifest);
  context.journal('commit', 'started');
}

/** The rolling switch: the database backed up while it serves, then one instance at a time (rolling-switch.ts). */
async function rollLive(context: DeployContext, manifest: Manifest, previous: string): Promise<void> {
  const { agent, tag } = context;
  const from = { tag: previous, version: agent.releases.findRelease(previous)?.version ?? '-', dir: context.releaseDir(previous) };
  const to = { tag, version: context.version, dir: context.releaseDir(tag) };
  // with the instances up there is no stopped moment: the backup is one consistent pass while
  // the database serves (a FileStorage up to its last whole transaction, SQLite's online backup, pg_dump's snapshot)
  await context.phase('backup', `backing up the database (${manifest.settings.db.kind}) as backups/${tag} while it serves: the instances restart one at a time, nothing stops`, () => context.database(tag, 'backup').backup(context.backupDir(tag)), describeBackup);
  const count = manifest.settings.services.instances!.length;
  await context.phase('roll', `restarting ${plural(count, 'instance')} one at a time, version ${from.version} → ${to.version}`, () => rollInstances(context, from, to, manifest.settings.services, manifest.settings.health), (n) => `${plural(n, 'instance')} on version ${to.version}`);
  await context.phase('switch', `switching current to ${tag}`, async () => void agent.releases.switchCurrent(tag));
  await checkReleaseHealth(context, manifest);
  context.journal('commit', 'started');
}

function describeBackup(info: BackupInfo): string {
  return `${plural(info.files, 'file')}, ${formatBytes(info.bytes)}`;
}

/** The target's own health check (health-url, health-command) of the release now live. */
async function checkReleaseHealth(context: DeployContext, manifest: Manifest): Promise<void> {
  const { tag } = context;
  await context.phase('health', 'checking health', async () => {
    const result = await checkHealth(manifest.settings.health, context.releaseDir(tag), context.output('health'));
    if (!result.ok) throw new StateError(`health check failed after ${plural(result.attempts, 'attempt')}: ${result.reason}`, { where: `${tag} (phase health)` });
    return result;
  }, (r) => (r.attempts ? `healthy after ${plural(r.attempts, 'attempt')}` : 'no health check configured'));
}

function verifySignedManifest(agent: Agent, signed: SignedManifest): void {
  verifyManifest(signed.manifest, { keyId: signed.keyId, signature: signed.signature }, agent.authorizedKeys());
  const m = signed.manifest;
  if (m?.formatVersion !== 1 || typeof m.tag !== 'string' || !m.archive || !Array.isArray(m.eggs) || !m.settings) {
    throw new TrustError('the manifest is not a Hostout release manifest (format 1)', { hint: 'use a ctl of the same version as the agent' });
  }
}

/** Every blob the manifest names: the buildout archive, its eggs and its toolchain's wheels. */
function releaseBlobsOf(manifest: Manifest): { sha256: string; what: string }[] {
  return [
    { sha256: manifest.archive.sha256, what: 'the buildout archive' },
    ...manifest.eggs.map((e) => ({ sha256: e.sha256, what: e.filename })),
    ...(manifest.toolchain?.wheels ?? []).map((w) => ({ sha256: w.sha256, what: w.filename })),
  ];
}

async function verifyBlobs(agent: Agent, manifest: Manifest): Promise<void> {
  const blobs = releaseBlobsOf(manifest);
  const missing = blobs.filter((b) => !agent.blobs.has(b.sha256));
  if (missing.length > 0) {
    throw new StateError(`the agent lacks ${missing.map((m) => m.what).join(', ')}`, { hint: 'upload the missing blobs first (ctl deploy does)' });
  }
  for (const blob of blobs) {
    const actual = await sha256File(agent.blobs.path(blob.sha256));
    if (actual !== blob.sha256) {
      throw new StateError(`stored blob for ${blob.what} is damaged: sha256 ${actual}, expected ${blob.sha256}`, {
        where: agent.blobs.path(blob.sha256),
        hint: 'delete that file; the next deploy uploads it again',
      });
    }
  }
}

/** Every egg into shared/dist: refused when a file of that name (name and version) holds other bytes. */
async function placeEggs(agent: Agent, manifest: Manifest): Promise<void> {
  for (const egg of manifest.eggs) await agent.blobs.placeEgg(egg.sha256, egg.filename, agent.layout.sharedDistDir);
}

async function stage(agent: Agent, signed: SignedManifest): Promise<void> {
  const manifest = signed.manifest;
  await placeEggs(agent, manifest);
  recordKnownVersions(
    agent.layout,
    manifest.eggs.filter((e) => e.develop && e.sourceHash).map((e) => ({ name: e.name, version: e.version, sourceHash: e.sourceHash!, eggSha256: e.sha256, released: manifest.created })),
  );
  const bounds = checkArchiveBounds(manifest.archive, manifest.settings.maxUnpackedBytes, `release ${manifest.tag} (phase stage)`);
  const dir = await agent.releases.stageRelease(manifest.tag, agent.blobs.path(manifest.archive.sha256), manifest.settings.sharedDirs, bounds);
  // temp + rename: replaces whatever is at that name, never writes through a link
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(signed, null, 2) + '\n');
}

/**
 * The same release in all that matters to the host: buildout files, egg bytes and settings.
 * Not the version series: it names the next new release, and a release keeps its version.
 */
function sameContent(a: Manifest | undefined, b: Manifest): boolean {
  const eggBytes = (m: Manifest) => [...m.eggs, ...(m.toolchain?.wheels ?? [])].map((e) => `${e.filename}=${e.sha256}`).sort().join();
  const settings = ({ versionSeries: _, ...rest }: Manifest['settings']) => canonicalJson(rest);
  return !!a && a.archive.sha256 === b.archive.sha256 && eggBytes(a) === eggBytes(b) && settings(a.settings) === settings(b.settings) && a.toolchain?.python === b.toolchain?.python;
}
