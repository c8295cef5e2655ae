import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { loadBuildoutConfig, type BuildoutConfig } from '../config/buildout-config.ts';
import { splitList, type Target } from '../target/target.ts';
import { configReadOptions, stateDirOf } from '../target/load-target.ts';
import { readLedger, type LedgerEntry } from './ledger.ts';
import type { EggBuilders } from './egg-builders.ts';
import { MetadataCache } from './metadata-cache.ts';
import { readPackageMetadata } from './package-metadata.ts';
import { resolveProductionEggs, type ResolvedDist } from './resolve-production-eggs.ts';
import { composeArchiveEntries, refuseDevelopInProduction, versionsFileArchivePath, type ArchiveEntry } from './buildout-archive.ts';
import { refuseTargetPartInProduction } from './production-parts.ts';
import { StatCache } from './stat-cache.ts';
import { expandDevelopEntries } from './develop-paths.ts';
import { hashSourceTree, type SourceTreeHash } from './source-hash.ts';
import type { DevelopPackage, PlannedToolchain } from './release-plan.ts';
import { describeToolchain, shipsToolchainWheels } from '../toolchain/buildout-toolchain.ts';
import { HOST_BUILDOUT_FILE, readTeamVersionsFile, refuseOverruledTeamPins, type TeamVersionsFile } from './versions-file.ts';

/** Everything a release plan is decided from, read from the developer's buildout. */
export interface ReleaseInputs {
  config: BuildoutConfig;
  production: BuildoutConfig;
  target: Target;
  /** what the team's buildout runs on: the target's python and its zc.buildout */
  toolchain: PlannedToolchain;
  developPackages: DevelopPackage[];
  ledger: LedgerEntry[];
  resolved: ResolvedDist[];
  /** the production config chain and included files, as they go into the archive (not the pins file) */
  productionEntries: ArchiveEntry[];
  /** where the pins file goes in the archive (the target's versions-file) */
  versionsFileName: string;
  /** the team's pins file, when production extends the target's versions-file and it exists */
  teamVersions?: TeamVersionsFile;
  productionFilesDigest: string;
  /** Hostout's caches and release outputs for this buildout */
  stateDir: string;
}

/** The develop packages hashed: a release's first step, cheap when the stat cache vouches for the files. */
export interface HashedDevelopPackages {
  dirs: string[];
  trees: { dir: string; tree: SourceTreeHash }[];
  ledger: LedgerEntry[];
}

/**
 * Hashes every develop package. With `eggBuilders` (a release that will build, not ctl plan),
 * a package holding code no released version has gets a builder started at once, to import
 * setuptools while the rest of the release is gathered.
 */
export function hashDevelopPackages({ config, target }: { config: BuildoutConfig; target: Target }, eggBuilders?: EggBuilders): HashedDevelopPackages {
  const directory = config.get('buildout', 'directory')!;
  const develop = config.option('buildout', 'develop');
  const where = develop ? `${develop.file}:${develop.line}` : undefined;
  const dirs = expandDevelopEntries(splitList(develop?.value ?? ''), directory, where);
  const statCache = StatCache.open(join(stateDirOf(config), 'stat-cache.json'));
  const trees = dirs.map((dir) => {
    try {
      return { dir, tree: hashSourceTree(dir, statCache) };
    } catch (error) {
      throw new ConfigError(`develop names ${dir}, which cannot be read: ${(error as Error).message}`, {
        where,
        hint: 'check out the package there, or remove it from develop',
        cause: error,
      });
    }
  });
  statCache.save();
  const ledger = readLedger(target.ledgerFile);
  if (eggBuilders && trees.some(({ tree }) => !ledger.some((entry) => entry.sourceHash === tree.hash))) eggBuilders.prepare(target.python);
  return { dirs, trees, ledger };
}

/** Everything a release plan is made from; `hashed` when the caller began with hashDevelopPackages. */
export async function gatherReleaseInputs(loaded: { config: BuildoutConfig; target: Target }, hashed = hashDevelopPackages(loaded)): Promise<ReleaseInputs> {
  const { config, target } = loaded;
  const directory = config.get('buildout', 'directory')!;
  // The pins file production may extend is what the release writes: missing is fine.
  const versionsFileName = versionsFileArchivePath(target);
  const versionsPath = join(target.buildoutDirectory, versionsFileName);
  // read as the target's python reads it: its zc.buildout runs production
  const production = loadBuildoutConfig(target.buildoutFile, [], { ...configReadOptions(directory), buildoutPython: target.python, notYetWritten: new Set([versionsPath]) });
  refuseDevelopInProduction(production);
  refuseTargetPartInProduction(production);
  const versionsSection = production.get('buildout', 'versions') || 'versions';
  const extendsPins = production.files.includes(versionsPath);
  const teamVersions = extendsPins && existsSync(versionsPath) ? readTeamVersionsFile(versionsPath, readFileSync(versionsPath, 'utf8'), versionsSection) : undefined;

  const stateDir = stateDirOf(config);
  const toolchain = plannedToolchain(target, stateDir);
  const { dirs: developDirs, ledger } = hashed;
  const developPackages = await readDevelopMetadata(hashed.trees, target.python, stateDir);

  // The pins file is written by the release; the team's copy reaches the archive through it.
  const productionEntries = composeArchiveEntries(target, production, [versionsFileName, HOST_BUILDOUT_FILE], developDirs);
  const resolved = await resolveProductionEggs({
    python: target.python,
    productionConfig: target.buildoutFile,
    productionFiles: productionEntries,
    buildoutDirectory: target.buildoutDirectory,
    configFiles: [...new Set([...config.files, ...production.files, ...cachedRemoteFiles(production)])],
    extendsCache: production.extendsCache,
    developDirs,
    developNames: developPackages.map((p) => p.name),
    // buildout reads relative find-links against its directory; the resolving run has another one
    findLinks: splitList(config.get('buildout', 'find-links') ?? '').map((link) => (/^[a-z+]+:\/\//.test(link) || isAbsolute(link) ? link : resolve(directory, link))),
    index: config.get('buildout', 'index') || undefined,
    eggsDirectory: config.get('buildout', 'eggs-directory')!,
    workDir: join(stateDir, 'resolve'),
    versionsSection,
    notYetWritten: extendsPins ? [versionsFileName] : [],
  });
  if (teamVersions) {
    const developNames = new Set(developPackages.map((p) => p.name.toLowerCase()));
    refuseOverruledTeamPins(teamVersions, resolved, developNames, (name) => {
      const pin = production.option(versionsSection, name);
      return pin && { value: pin.value, where: `${pin.file}:${pin.line}` };
    });
  }

  return {
    config,
    production,
    target,
    toolchain,
    developPackages,
    ledger,
    resolved,
    productionEntries,
    versionsFileName,
    ...(teamVersions ? { teamVersions } : {}),
    productionFilesDigest: digestEntries(productionEntries),
    stateDir,
  };
}

function plannedToolchain(target: Target, stateDir: string): PlannedToolchain {
  const toolchain = describeToolchain(target.python, join(stateDir, 'toolchain.json'), `[${target.name}] python`);
  return {
    python: toolchain.python,
    pythonMinor: toolchain.pythonMinor,
    buildout: toolchain.buildout!,
    dists: toolchain.dists.map(({ name, version, location }) => ({ name, version, location })),
    shipsWheels: shipsToolchainWheels(toolchain),
  };
}

/** The cache copies real buildout reads remote extends from, offline, when it resolves the eggs. */
function cachedRemoteFiles(production: BuildoutConfig): string[] {
  return production.remoteFiles.flatMap((file) => (file.cachedPath ? [file.cachedPath] : []));
}

/** Each hashed package's name and declared version: from metadata-cache.ts, else from its setup.py. */
async function readDevelopMetadata(hashed: HashedDevelopPackages['trees'], python: string, stateDir: string): Promise<DevelopPackage[]> {
  const metadataCache = MetadataCache.open(join(stateDir, 'metadata-cache.json'));
  const known = new Map(hashed.map((h) => [h.dir, metadataCache.lookup(h.dir, h.tree)]));
  const missing = hashed.filter((h) => !known.get(h.dir));
  for (const meta of await readPackageMetadata(python, missing.map((h) => h.dir))) {
    const metadata = { name: meta.name, declaredVersion: meta.declaredVersion };
    metadataCache.remember(meta.dir, missing.find((h) => h.dir === meta.dir)!.tree, metadata, meta.touched);
    known.set(meta.dir, metadata);
  }
  metadataCache.save();
  return hashed.map((h) => ({ ...known.get(h.dir)!, dir: h.dir, sourceHash: h.tree.hash, files: h.tree.paths }));
}

function digestEntries(entries: readonly ArchiveEntry[]): string {
  const hash = createHash('sha256');
  for (const entry of entries) hash.update(`${entry.archivePath}\0`).update(readFileSync(entry.sourcePath)).update('\0');
  return hash.digest('hex');
}
