import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { loadBuildoutConfig, type BuildoutConfig } from '../config/buildout-config.ts';
import { selectTarget, splitList, type Target } from '../target/target.ts';
import { readLedger, type LedgerEntry } from './ledger.ts';
import { readPackageMetadata } from './package-metadata.ts';
import { resolveProductionEggs, type ResolvedDist } from './resolve-production-eggs.ts';
import { composeArchiveEntries, refuseDevelopInProduction, type ArchiveEntry } from './buildout-archive.ts';
import { StatCache } from './stat-cache.ts';
import { expandDevelopEntries } from './develop-paths.ts';
import { hashSourceTree } from './source-hash.ts';
import type { DevelopPackage } from './release-plan.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/** Everything a release plan is decided from, read from the developer's buildout. */
export interface ReleaseInputs {
  config: BuildoutConfig;
  production: BuildoutConfig;
  target: Target;
  developPackages: DevelopPackage[];
  ledger: LedgerEntry[];
  resolved: ResolvedDist[];
  /** the production config chain and included files, as they go into the archive */
  productionEntries: ArchiveEntry[];
  productionFilesDigest: string;
  /** Hostout's caches and release outputs for this buildout */
  stateDir: string;
}

export const STATE_DIR_NAME = '.hostout';

/** `<buildout directory>/.hostout`: Hostout's caches and release outputs for this buildout. */
export function stateDirOf(config: BuildoutConfig): string {
  return join(config.get('buildout', 'directory')!, STATE_DIR_NAME);
}

/** The developer's buildout and the deployment target in it. */
export function loadTargetConfig(configFile: string, targetName: string | undefined): { config: BuildoutConfig; target: Target } {
  const config = loadBuildoutConfig(configFile);
  return { config, target: selectTarget(config, targetName) };
}

export async function gatherReleaseInputs({ config, target }: { config: BuildoutConfig; target: Target }): Promise<ReleaseInputs> {
  const production = loadBuildoutConfig(target.buildoutFile);
  refuseDevelopInProduction(production);

  const directory = config.get('buildout', 'directory')!;
  const stateDir = stateDirOf(config);
  const develop = config.option('buildout', 'develop');
  const developWhere = develop ? `${develop.file}:${develop.line}` : undefined;
  const developDirs = expandDevelopEntries(splitList(develop?.value ?? ''), directory, developWhere);
  const developPackages = await readDevelopPackages(developDirs, target.python, stateDir, developWhere);

  const resolved = await resolveProductionEggs({
    python: target.python,
    productionConfig: target.buildoutFile,
    configFiles: [...new Set([...config.files, ...production.files])],
    developDirs,
    // buildout reads relative find-links against its directory; the resolving run has another one
    findLinks: splitList(config.get('buildout', 'find-links') ?? '').map((link) => (/^[a-z+]+:\/\//.test(link) || isAbsolute(link) ? link : resolve(directory, link))),
    index: config.get('buildout', 'index') || undefined,
    eggsDirectory: config.get('buildout', 'eggs-directory')!,
    workDir: join(stateDir, 'resolve'),
  });

  const productionEntries = composeArchiveEntries(target, production, [], developDirs);
  return {
    config,
    production,
    target,
    developPackages,
    ledger: readLedger(target.ledgerFile),
    resolved,
    productionEntries,
    productionFilesDigest: digestEntries(productionEntries),
    stateDir,
  };
}

/** Hashes each develop package (stat cache) and reads its metadata (cached by that hash). */
async function readDevelopPackages(dirs: readonly string[], python: string, stateDir: string, developWhere: string | undefined): Promise<DevelopPackage[]> {
  const statCache = StatCache.open(join(stateDir, 'stat-cache.json'));
  const hashed = dirs.map((dir) => {
    try {
      const tree = hashSourceTree(dir, statCache);
      return { dir, hash: tree.hash, files: tree.paths };
    } catch (error) {
      throw new ConfigError(`develop names ${dir}, which cannot be read: ${(error as Error).message}`, {
        where: developWhere,
        hint: 'check out the package there, or remove it from develop',
        cause: error,
      });
    }
  });
  statCache.save();

  const metadataFile = join(stateDir, 'metadata-cache.json');
  const known: Record<string, { name: string; declaredVersion: string }> = readJson(metadataFile) ?? {};
  const missing = hashed.filter((h) => !known[h.hash]);
  for (const meta of await readPackageMetadata(python, missing.map((h) => h.dir))) {
    known[missing.find((h) => h.dir === meta.dir)!.hash] = { name: meta.name, declaredVersion: meta.declaredVersion };
  }
  if (missing.length > 0) writeFileAtomic(metadataFile, JSON.stringify(known));
  return hashed.map((h) => ({ ...known[h.hash]!, dir: h.dir, sourceHash: h.hash, files: h.files }));
}

function digestEntries(entries: readonly ArchiveEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(`${entry.archivePath}\0`).update(readFileSync(entry.sourcePath)).update('\0');
  return hash.digest('hex');
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}
