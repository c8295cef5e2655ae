import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { describeEgg, type BuiltEgg } from './develop-egg.ts';
import type { ResolvedDist } from './resolve-production-eggs.ts';

/** Eggs the host's own buildout brings; pinning or shipping them would fight it. */
const BUILDOUT_RUNTIME = new Set(['setuptools', 'zc.buildout', 'pip', 'wheel', 'distribute']);

export function isBuildoutRuntime(name: string): boolean {
  return BUILDOUT_RUNTIME.has(name.toLowerCase());
}

/**
 * A zipped egg for a third-party distribution the development buildout
 * installed: a zipped egg is shipped as it is, an unzipped one is zipped
 * again (deterministically, so the same egg always has the same hash).
 */
export async function shippableThirdPartyEgg(dist: ResolvedDist, cacheDir: string): Promise<BuiltEgg> {
  if (!dist.location.endsWith('.egg') || !existsSync(dist.location)) {
    throw new ReleaseError(`${dist.name} ${dist.version} comes from ${dist.location}, not from an egg, so it cannot be shipped`, {
      where: dist.name,
      hint: `put a zipped egg of ${dist.name} in the development buildout's find-links, or make it a develop package`,
    });
  }
  mkdirSync(cacheDir, { recursive: true });
  const target = join(cacheDir, basename(dist.location));
  if (!existsSync(target)) {
    if (statSync(dist.location).isDirectory()) {
      // the zip library loads only when an egg must be zipped: once per egg and version
      const { zipDirectoryDeterministically } = await import('../../shared/archive/deterministic-zip.ts');
      await zipDirectoryDeterministically(dist.location, target);
    }
    else {
      copyFileSync(dist.location, `${target}.tmp`);
      renameSync(`${target}.tmp`, target);
    }
  }
  return describeEgg(target);
}
