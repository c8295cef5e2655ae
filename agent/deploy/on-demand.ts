/**
 * Deploy and rollback load their code (unpacking, buildout runs, service control,
 * backups, health probes) when first asked, not when the agent starts: an idle
 * agent holds only what serving needs in memory.
 */
import type * as Deploy from './deploy-release.ts';
import type * as Rollback from './rollback-release.ts';

export async function deployRelease(...args: Parameters<typeof Deploy.deployRelease>): ReturnType<typeof Deploy.deployRelease> {
  return (await import('./deploy-release.ts')).deployRelease(...args);
}

export async function rollbackRelease(...args: Parameters<typeof Rollback.rollbackRelease>): ReturnType<typeof Rollback.rollbackRelease> {
  return (await import('./rollback-release.ts')).rollbackRelease(...args);
}
