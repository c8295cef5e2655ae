import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest, ManifestEgg } from '../../shared/manifest.ts';
import { writeDeterministicTarGz } from '../../shared/archive/deterministic-tar.ts';
import { writeFileAtomic, fsyncDirectory } from '../../shared/fs/atomic-write.ts';
import { buildDevelopEgg, findCachedEgg, type BuiltEgg } from './develop-egg.ts';
import { shippableThirdPartyEgg } from './third-party-egg.ts';
import { mergeLedgerEntries, writeLedger, type LedgerEntry } from './ledger.ts';
import type { ReleaseInputs } from './release-inputs.ts';
import type { PlannedEgg, ReleasePlan } from './release-plan.ts';
import { HOST_BUILDOUT_FILE, SHIPPED_EGGS_DIR } from './versions-file.ts';

export interface ReleasedEgg extends ManifestEgg {
  changed: boolean;
  /** absolute path of the zipped egg */
  file: string;
}

export interface ReleaseResult {
  tag: string;
  releaseDir: string;
  buildout: string;
  archive: { file: string; sha256: string; size: number };
  versionsFile: string;
  eggs: ReleasedEgg[];
  manifest: Manifest;
  warnings: string[];
}

/**
 * Carries out a release plan: builds the eggs whose version is new, gathers
 * the others, writes versions.cfg and the buildout archive into
 * .hostout/releases/<tag>/, and only then records the new versions in the ledger.
 */
export async function applyRelease(inputs: ReleaseInputs, plan: ReleasePlan): Promise<ReleaseResult> {
  const eggCache = join(inputs.stateDir, 'eggs');
  const warnings: string[] = [];
  const built: { egg: PlannedEgg; file: BuiltEgg }[] = [];
  for (const egg of plan.eggs) built.push({ egg, file: await eggFor(egg, inputs, eggCache, warnings) });

  const releasesDir = join(inputs.stateDir, 'releases');
  const finalDir = join(releasesDir, plan.tag);
  const workDir = join(releasesDir, `.${plan.tag}.partial`);
  rmSync(workDir, { recursive: true, force: true });
  let written: { archiveName: string; archive: { sha256: string; size: number }; eggs: ReleasedEgg[]; manifest: Manifest };
  try {
    written = await writeReleaseDir(inputs, plan, built, workDir, finalDir);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(workDir, finalDir);
  } finally {
    // a failed release leaves nothing half-written behind
    rmSync(workDir, { recursive: true, force: true });
  }
  fsyncDirectory(releasesDir);
  const { archiveName, archive, eggs, manifest } = written;

  recordMintedVersions(inputs, built, plan.created);
  return {
    tag: plan.tag,
    releaseDir: finalDir,
    buildout: plan.buildout,
    archive: { file: join(finalDir, archiveName), ...archive },
    versionsFile: join(finalDir, plan.versionsFileName),
    eggs,
    manifest,
    warnings,
  };
}

/** Everything a release is, in `workDir`: the pins, hostout.cfg, the archive, the eggs, the manifest. */
async function writeReleaseDir(inputs: ReleaseInputs, plan: ReleasePlan, built: readonly { egg: PlannedEgg; file: BuiltEgg }[], workDir: string, finalDir: string) {
  mkdirSync(join(workDir, SHIPPED_EGGS_DIR), { recursive: true });
  const { archiveName, archive } = await writeBuildoutArchive(inputs, plan, workDir);
  for (const { file } of built) linkOrCopy(file.path, join(workDir, SHIPPED_EGGS_DIR, file.filename));

  const eggs: ReleasedEgg[] = built.map(({ egg, file }) => ({
    name: egg.name,
    version: egg.version,
    develop: egg.develop,
    changed: egg.changed,
    ...(egg.package ? { sourceHash: egg.package.sourceHash } : {}),
    sha256: file.sha256,
    size: file.size,
    filename: file.filename,
    file: join(finalDir, SHIPPED_EGGS_DIR, file.filename),
  }));
  const manifest: Manifest = {
    formatVersion: 1,
    target: plan.target,
    tag: plan.tag,
    created: plan.created,
    buildout: plan.buildout,
    archive,
    eggs: eggs.map(({ changed: _changed, file: _file, ...egg }) => egg),
    pins: plan.pins,
    settings: plan.settings,
  };
  writeFileAtomic(join(workDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return { archiveName, archive, eggs, manifest };
}

/**
 * The plan's versions.cfg and hostout.cfg, and the buildout archive with them, in `dir`.
 * Deterministic: a dry run that writes it elsewhere gets the hash the release will have.
 */
export async function writeBuildoutArchive(inputs: ReleaseInputs, plan: ReleasePlan, dir: string): Promise<{ archiveName: string; archive: { sha256: string; size: number } }> {
  mkdirSync(dirname(join(dir, plan.versionsFileName)), { recursive: true });
  writeFileAtomic(join(dir, plan.versionsFileName), plan.versionsFileText);
  writeFileAtomic(join(dir, HOST_BUILDOUT_FILE), plan.hostBuildoutText);
  const archiveName = `buildout-${plan.tag}.tar.gz`;
  const archive = await writeDeterministicTarGz(
    [
      ...inputs.productionEntries,
      { archivePath: plan.versionsFileName, sourcePath: join(dir, plan.versionsFileName) },
      { archivePath: HOST_BUILDOUT_FILE, sourcePath: join(dir, HOST_BUILDOUT_FILE) },
    ],
    join(dir, archiveName),
  );
  return { archiveName, archive: { sha256: archive.sha256, size: archive.size } };
}

async function eggFor(egg: PlannedEgg, inputs: ReleaseInputs, eggCache: string, warnings: string[]): Promise<BuiltEgg> {
  if (!egg.develop) return shippableThirdPartyEgg(egg.dist!, eggCache);
  const pkg = egg.package!;
  const cached = egg.changed ? undefined : await findCachedEgg(eggCache, egg.name, egg.version);
  if (cached) return cached;
  const built = await buildDevelopEgg({ python: inputs.target.python, name: egg.name, packageDir: pkg.dir, files: pkg.files, version: egg.version, cacheDir: eggCache });
  const recorded = inputs.ledger.find((e) => e.name === egg.name && e.version === egg.version);
  if (recorded && recorded.eggSha256 !== built.sha256) {
    warnings.push(`${egg.name} ${egg.version} was rebuilt here with different bytes than the ledger records (another Python or setuptools?); hosts that hold the recorded egg will refuse this one`);
  }
  return built;
}

function recordMintedVersions(inputs: ReleaseInputs, built: readonly { egg: PlannedEgg; file: BuiltEgg }[], released: string): void {
  const minted: LedgerEntry[] = built
    .filter(({ egg }) => egg.develop && egg.changed)
    .map(({ egg, file }) => ({ name: egg.name, version: egg.version, sourceHash: egg.package!.sourceHash, eggSha256: file.sha256, released: released.replace(/\.\d+Z$/, 'Z') }));
  if (minted.length > 0) writeLedger(inputs.target.ledgerFile, mergeLedgerEntries(inputs.ledger, minted));
}

function linkOrCopy(from: string, to: string): void {
  if (existsSync(to)) return;
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
