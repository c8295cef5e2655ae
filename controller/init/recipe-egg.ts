import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFileAtomic } from '../../shared/fs/atomic-write.ts';
import { sha256File } from '../../shared/archive/sha256-file.ts';
import { buildDevelopEgg } from '../release/develop-egg.ts';
import { readPackageMetadata } from '../release/package-metadata.ts';
import { listSourceFiles } from '../release/source-tree.ts';

/** The recipe's Python sources in this checkout. */
export const RECIPE_SOURCE_DIR = fileURLToPath(new URL('../../recipe/collective.recipe.hostout/', import.meta.url));
export const RECIPE_NAME = 'collective.recipe.hostout';

export interface PlacedRecipeEgg {
  filename: string;
  version: string;
  /** false when the folder already held these exact bytes */
  changed: boolean;
  /** older recipe eggs taken out of the folder */
  removed: string[];
}

/** The version setup.py declares: what the buildout's [versions] must pin. */
export async function recipeVersion(python: string): Promise<string> {
  const [metadata] = await readPackageMetadata(python, [RECIPE_SOURCE_DIR]);
  return metadata!.declaredVersion;
}

/**
 * Puts a zipped egg of the recipe into `findLinksDir`, built like a develop egg
 * (from a copy of its sources, deterministic bytes), so the buildout finds it
 * offline. The egg is built in `buildDir` and copied only when its bytes differ.
 */
export async function placeRecipeEgg(options: { python: string; version: string; findLinksDir: string; buildDir: string }): Promise<PlacedRecipeEgg> {
  const built = await buildDevelopEgg({
    python: options.python,
    name: RECIPE_NAME,
    packageDir: RECIPE_SOURCE_DIR,
    files: listSourceFiles(RECIPE_SOURCE_DIR),
    version: options.version,
    cacheDir: options.buildDir,
  });
  const target = join(options.findLinksDir, built.filename);
  const changed = !existsSync(target) || (await sha256File(target)) !== built.sha256;
  if (changed) copyFileAtomic(built.path, target);
  const removed = existsSync(options.findLinksDir)
    ? readdirSync(options.findLinksDir).filter((f) => f.startsWith(`${RECIPE_NAME}-`) && f.endsWith('.egg') && f !== built.filename)
    : [];
  for (const stale of removed) rmSync(join(options.findLinksDir, stale), { force: true });
  return { filename: built.filename, version: options.version, changed, removed };
}
