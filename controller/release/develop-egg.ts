import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256File } from '../../shared/archive/sha256-file.ts';
import { EggBuilders } from './egg-builders.ts';

export interface BuiltEgg {
  path: string;
  filename: string;
  sha256: string;
  size: number;
}

/** The egg file name setuptools gives a project at a version, up to the Python tag. */
export function eggFilenamePrefix(name: string, version: string): string {
  return `${name.replace(/[^A-Za-z0-9.]+/g, '_')}-${version}-`;
}

/** An egg built earlier for this name and version, if the cache holds one. */
export async function findCachedEgg(cacheDir: string, name: string, version: string): Promise<BuiltEgg | undefined> {
  if (!existsSync(cacheDir)) return undefined;
  const prefix = eggFilenamePrefix(name, version);
  const filename = readdirSync(cacheDir).find((f) => f.startsWith(prefix) && f.endsWith('.egg'));
  return filename ? describeEgg(join(cacheDir, filename)) : undefined;
}

export async function describeEgg(path: string): Promise<BuiltEgg> {
  return { path, filename: path.split('/').at(-1)!, sha256: await sha256File(path), size: statSync(path).size };
}

/**
 * Builds a zipped egg of a develop package at `version` from exactly the
 * files that were hashed, copied to a scratch directory: the checkout is
 * never written to, and the same files give the same egg bytes.
 */
export async function buildDevelopEgg(options: {
  python: string;
  name: string;
  packageDir: string;
  files: readonly string[];
  version: string;
  cacheDir: string;
  /** builders the release started ahead (see egg-builders.ts); else one starts now */
  builders?: EggBuilders;
}): Promise<BuiltEgg> {
  mkdirSync(options.cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(options.cacheDir, `.build-${options.name}-`));
  try {
    const copy = join(scratch, 'src');
    for (const file of options.files) {
      mkdirSync(dirname(join(copy, file)), { recursive: true });
      copyFileSync(join(options.packageDir, file), join(copy, file));
    }
    const { stdout } = await (options.builders ?? new EggBuilders()).build(
      options.python,
      { version: options.version, outDir: scratch, cwd: copy },
      { what: `building the egg of ${options.name} ${options.version}`, where: `${options.packageDir}/setup.py` },
    );
    const filename = stdout.trim().split('\n').at(-1)!;
    const target = join(options.cacheDir, filename);
    renameSync(join(scratch, filename), target);
    return describeEgg(target);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
