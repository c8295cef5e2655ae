import type { DeploySettings } from '../../shared/manifest.ts';
import { splitList, type Target } from './target.ts';
import { TargetError } from '../../shared/errors.ts';
import { readBalancer, readInstances } from './instance-settings.ts';

/** The target options the agent needs, in the shape the manifest carries them. */
export function deploySettingsFromTarget(target: Target): DeploySettings {
  const o = target.options;
  const services = (o.get('services') ?? (o.get('start') ? 'command' : 'none')) as DeploySettings['services']['kind'];
  const db = o.get('db') as DeploySettings['db']['kind'];
  if (services === 'command' && !o.get('start')) {
    throw new TargetError(`[${target.name}] services = command needs a start command`, {
      where: `[${target.name}]`,
      hint: 'add start = ..., stop = ... (run in the release directory), or services = none',
    });
  }
  if (db === 'postgresql' && !o.get('db-name')) {
    throw new TargetError(`[${target.name}] db = postgresql needs db-name`, { where: `[${target.name}]` });
  }
  if (db === 'command' && !(o.get('db-backup-command') && o.get('db-restore-command'))) {
    throw new TargetError(`[${target.name}] db = command needs db-backup-command and db-restore-command`, { where: `[${target.name}]` });
  }
  const instances = o.get('instances')?.trim() ? readInstances(o.get('instances')!, `[${target.name}] instances`) : [];
  if (o.get('balancer')?.trim() && instances.length === 0) {
    throw new TargetError(`[${target.name}] balancer is set, but no instances`, {
      where: `[${target.name}] balancer`,
      hint: 'name the instances the balancer fronts: instances = SCRIPT HEALTH-URL [SERVER], one per line',
    });
  }
  const balancer = o.get('balancer')?.trim() ? readBalancer(o.get('balancer')!, `[${target.name}] balancer`, Number(o.get('drain-timeout'))) : undefined;
  return {
    services: {
      kind: services,
      start: o.get('start'),
      stop: o.get('stop'),
      status: o.get('status'),
      names: splitList(o.get('service-names') ?? ''),
      stopTimeoutSeconds: Number(o.get('stop-timeout')),
      ...(instances.length ? { instances } : {}),
      ...(balancer ? { balancer } : {}),
    },
    db: {
      kind: db,
      paths: splitList(o.get('db-paths') ?? ''),
      database: o.get('db-name'),
      backupCommand: o.get('db-backup-command'),
      restoreCommand: o.get('db-restore-command'),
    },
    health: {
      url: o.get('health-url'),
      command: o.get('health-command'),
      timeoutSeconds: Number(o.get('health-timeout')),
      retries: Number(o.get('health-retries')),
    },
    ...(o.get('migrate')?.trim() ? { migrate: { command: o.get('migrate')!, timeoutSeconds: Number(o.get('migrate-timeout')) } } : {}),
    keepReleases: Number(o.get('keep-releases')),
    ...(o.get('keep-backups') ? { keepBackups: Number(o.get('keep-backups')) } : {}),
    sharedDirs: splitList(o.get('shared-dirs') ?? 'var'),
    ...(splitList(o.get('app-logs') ?? '').length ? { appLogs: checkAppLogs(target.name, splitList(o.get('app-logs')!)) } : {}),
    versionSeries: o.get('version')!,
    maxUnpackedBytes: Number(o.get('max-unpacked-size')) * 1024 * 1024,
  };
}

/** Log paths inside the release: relative, and not climbing out of it. */
function checkAppLogs(target: string, paths: string[]): string[] {
  for (const path of paths) {
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new TargetError(`[${target}] app-logs: ${path} is not a path inside the release`, { where: `[${target}] app-logs`, hint: 'name log files relative to the release directory, e.g. var/log/instance.log (var is shared between releases)' });
    }
  }
  return paths;
}
