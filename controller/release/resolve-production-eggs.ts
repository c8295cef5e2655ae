import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { runPythonHelper } from './python-script.ts';
import { writeDevelopEggLinks } from './develop-egg-links.ts';

/** A distribution buildout resolved while building the production config. */
export interface ResolvedDist {
  name: string;
  version: string;
  location: string;
}

export interface ResolveInputs {
  python: string;
  /** absolute path of the production config */
  productionConfig: string;
  /** every config file whose content can change the outcome (dev and prod chains) */
  configFiles: readonly string[];
  /** absolute develop package directories, standing in for the eggs they become */
  developDirs: readonly string[];
  /** where the development buildout finds and keeps third-party eggs */
  findLinks: readonly string[];
  index: string | undefined;
  eggsDirectory: string;
  /** scratch directory for the resolving buildout run */
  workDir: string;
}

/**
 * Asks buildout which eggs the production config needs: it runs the real
 * production buildout in a scratch directory, with the develop packages in
 * place of their future eggs, and records every distribution resolved for
 * recipes and eggs. The answer is cached under a key of everything that can
 * change it, so an unchanged tree costs one hash, not a buildout run.
 * The eggs directory is part of that key as the run leaves it: the run itself
 * installs eggs there, and a later run over that same listing resolves the same.
 */
export async function resolveProductionEggs(inputs: ResolveInputs): Promise<ResolvedDist[]> {
  const key = resolveKey(inputs);
  const cacheFile = join(inputs.workDir, 'resolved.json');
  const cached = readCache(cacheFile);
  if (cached?.key === key) return cached.dists;

  const runDir = join(inputs.workDir, 'run');
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(runDir, { recursive: true });
  const recordFile = join(runDir, 'dists.jsonl');
  // buildout would run `setup.py develop` once per package (a Python start each): the
  // links are written up front in one process, and buildout develops only the rest
  const { leftToBuildout } = await writeDevelopEggLinks(inputs.python, join(runDir, DEVELOP_EGGS_DIR), inputs.developDirs);
  writeFileAtomic(join(runDir, 'resolve.cfg'), resolveConfig(inputs, leftToBuildout.map((p) => p.dir)));
  await runPythonHelper(inputs.python, 'record_dists.py', ['-c', 'resolve.cfg', 'buildout:directory=' + runDir], {
    cwd: runDir,
    env: { HOSTOUT_RECORD_DISTS: recordFile },
    what: `buildout of ${inputs.productionConfig} (resolving the eggs production needs)`,
    where: inputs.productionConfig,
  });
  const dists = uniqueDists(readRecord(recordFile), inputs.productionConfig);
  writeFileAtomic(cacheFile, JSON.stringify({ key: resolveKey(inputs), dists }, null, 1));
  return dists;
}

const DEVELOP_EGGS_DIR = 'develop-eggs';

function resolveConfig(inputs: ResolveInputs, developDirs: readonly string[]): string {
  const lines = (values: readonly string[]) => values.map((v) => `\n    ${v}`).join('');
  return `# Written by Hostout to ask buildout which eggs production needs.
[buildout]
extends = ${inputs.productionConfig}
develop =${lines(developDirs)}
find-links =${lines(inputs.findLinks)}
${inputs.index ? `index = ${inputs.index}\n` : ''}eggs-directory = ${inputs.eggsDirectory}
develop-eggs-directory = ${DEVELOP_EGGS_DIR}
bin-directory = bin
parts-directory = parts
installed = .installed.cfg
newest = false
allow-picked-versions = true
show-picked-versions = false
update-versions-file =
`;
}

function resolveKey(inputs: ResolveInputs): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ ...inputs, workDir: undefined }));
  for (const file of inputs.configFiles) hash.update(file).update(readFileSync(file));
  for (const dir of inputs.developDirs) {
    for (const name of ['setup.py', 'setup.cfg', 'pyproject.toml']) {
      const file = join(dir, name);
      if (existsSync(file)) hash.update(file).update(readFileSync(file));
    }
  }
  for (const dir of [...inputs.findLinks, inputs.eggsDirectory]) hash.update(dir).update(listing(dir));
  return hash.digest('hex');
}

function listing(dir: string): string {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir).sort().join('\n') : '';
  } catch {
    return '';
  }
}

function readCache(file: string): { key: string; dists: ResolvedDist[] } | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function readRecord(file: string): ResolvedDist[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { name, version, location } = JSON.parse(line);
      return { name, version, location };
    });
}

function uniqueDists(dists: readonly ResolvedDist[], where: string): ResolvedDist[] {
  const byName = new Map<string, ResolvedDist>();
  for (const dist of dists) {
    const key = dist.name.toLowerCase();
    const seen = byName.get(key);
    if (seen && seen.version !== dist.version) {
      throw new ReleaseError(`buildout resolved ${dist.name} at two versions, ${seen.version} and ${dist.version}`, {
        where,
        hint: `pin ${dist.name} in the [versions] of the production config`,
      });
    }
    byName.set(key, dist);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
