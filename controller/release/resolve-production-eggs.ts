import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { runPythonHelper } from './python-script.ts';
import { writeDevelopEggLinks } from './develop-egg-links.ts';

/**
 * Where a resolved distribution came from: a develop package, an egg (eggs directory or
 * find-links: shippable), or the interpreter's own environment (its site-packages, where
 * the buildout toolchain lives).
 */
export type DistOrigin = 'develop' | 'egg' | 'environment';

/** A distribution buildout resolved while building the production config. */
export interface ResolvedDist {
  name: string;
  version: string;
  location: string;
  origin: DistOrigin;
}

export interface ResolveInputs {
  python: string;
  /** absolute path of the production config */
  productionConfig: string;
  /** the production config, its extends chain and included files, as the host gets them */
  productionFiles: readonly { archivePath: string; sourcePath: string }[];
  /** the buildout directory those archive paths are relative to */
  buildoutDirectory: string;
  /** every config file whose content can change the outcome (dev and prod chains) */
  configFiles: readonly string[];
  /** absolute develop package directories, standing in for the eggs they become */
  developDirs: readonly string[];
  /** their project names */
  developNames: readonly string[];
  /** where the development buildout finds and keeps third-party eggs */
  findLinks: readonly string[];
  index: string | undefined;
  eggsDirectory: string;
  /** the extends cache holding the production config's remote files, when it has some */
  extendsCache?: string;
  /** scratch directory for the resolving buildout run */
  workDir: string;
  /** the section production reads its pins from (buildout's `versions` option) */
  versionsSection: string;
  /**
   * Files the release itself writes that the production chain extends (the pins file,
   * relative to the buildout directory): while resolving they read as empty.
   */
  notYetWritten: readonly string[];
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
  const productionConfig = copyProductionFiles(inputs, runDir);
  // buildout would run `setup.py develop` once per package (a Python start each): the
  // links are written up front in one process, and buildout develops only the rest
  const { leftToBuildout } = await writeDevelopEggLinks(inputs.python, join(runDir, DEVELOP_EGGS_DIR), inputs.developDirs);
  writeFileAtomic(join(runDir, 'resolve.cfg'), resolveConfig(inputs, runDir, productionConfig, leftToBuildout.map((p) => p.dir)));
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

/**
 * The production files, copied into the run directory as the host unpacks them, with the
 * files the release writes standing in empty where the team has none: buildout reads
 * the chain exactly as it will on the host, and no private buildout function is patched
 * to make a missing pins file read as empty. Returns the copied production config.
 */
function copyProductionFiles(inputs: ResolveInputs, runDir: string): string {
  const filesDir = join(runDir, 'production');
  for (const { archivePath, sourcePath } of inputs.productionFiles) {
    mkdirSync(dirname(join(filesDir, archivePath)), { recursive: true });
    copyFileSync(sourcePath, join(filesDir, archivePath));
  }
  for (const archivePath of inputs.notYetWritten) {
    const standIn = join(filesDir, archivePath);
    mkdirSync(dirname(standIn), { recursive: true });
    const team = join(inputs.buildoutDirectory, archivePath);
    if (existsSync(team)) copyFileSync(team, standIn);
    else writeFileAtomic(standIn, '');
  }
  return join(filesDir, relative(inputs.buildoutDirectory, inputs.productionConfig));
}

/**
 * Paths are written relative to the run directory: buildout splits `extends`,
 * `develop` and `find-links` on whitespace, so an absolute path under a
 * directory whose name holds a space would fall apart. `developDirs`: the develop
 * packages whose links were not written up front.
 */
function resolveConfig(inputs: ResolveInputs, runDir: string, productionConfig: string, developDirs: readonly string[]): string {
  const lines = (values: readonly string[]) => values.map((v) => `\n    ${v}`).join('');
  const path = (p: string) => pathForBuildout(runDir, p);
  const link = (l: string) => (/^[a-z+]+:\/\//.test(l) || !isAbsolute(l) ? l : path(l));
  // A pin on a develop package (a team pinning its last released version) would
  // send buildout looking for that egg; the release decides those versions.
  const unpinned = inputs.developNames.map((name) => `${name} =\n`).join('');
  return `# Written by Hostout to ask buildout which eggs production needs.
[buildout]
extends = ${path(productionConfig)}
develop =${lines(developDirs.map(path))}
find-links =${lines(inputs.findLinks.map(link))}
${inputs.index ? `index = ${inputs.index}\n` : ''}eggs-directory = ${path(inputs.eggsDirectory)}
# already the development buildout's eggs directory, eggs/v5 and ABI tag included
abi-tag-eggs = false
eggs-directory-version =
${inputs.extendsCache ? `# remote extends were just read into this cache; newest = false makes buildout read them there\nextends-cache = ${path(inputs.extendsCache)}\n` : ''}develop-eggs-directory = ${DEVELOP_EGGS_DIR}
bin-directory = bin
parts-directory = parts
installed = .installed.cfg
newest = false
allow-picked-versions = true
show-picked-versions = false
update-versions-file =

[${inputs.versionsSection}]
${unpinned}`;
}

function pathForBuildout(runDir: string, path: string): string {
  const rel = relative(runDir, path) || '.';
  if (/\s/.test(rel)) {
    throw new ReleaseError(`buildout cannot use the path ${path}: it splits paths on whitespace`, {
      where: path,
      hint: 'rename the file or directory so that its name has no space',
    });
  }
  return rel;
}

function resolveKey(inputs: ResolveInputs): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ ...inputs, workDir: undefined }));
  for (const file of inputs.configFiles) hash.update(file).update(existsSync(file) ? readFileSync(file) : '\0absent');
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
      const { name, version, location, origin } = JSON.parse(line);
      return { name, version, location, origin };
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
