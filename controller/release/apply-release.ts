import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../../shared/trust/manifest-signature.ts';
import type { Manifest, ManifestEgg, ManifestToolchain, ManifestWheel } from '../../shared/manifest.ts';
import { toolchainWheels } from '../toolchain/toolchain-wheels.ts';
import { writeDeterministicTarGz } from '../../shared/archive/deterministic-tar.ts';
import { checkArchiveBounds } from '../../shared/archive/archive-bounds.ts';
import { writeFileAtomic, fsyncDirectory } from '../../shared/fs/atomic-write.ts';
import { buildDevelopEgg, findCachedEgg, type BuiltEgg } from './develop-egg.ts';
import { EggBuilders } from './egg-builders.ts';
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

export interface ReleasedWheel extends ManifestWheel {
  /** absolute path of the wheel */
  file: string;
}

export interface ReleaseResult {
  tag: string;
  releaseDir: string;
  buildout: string;
  archive: { file: string; sha256: string; size: number };
  versionsFile: string;
  eggs: ReleasedEgg[];
  /** the buildout toolchain's wheels, when the release ships its toolchain */
  toolchainWheels: ReleasedWheel[];
  manifest: Manifest;
  warnings: string[];
}

/** Where the toolchain's wheels lie in a release directory. */
const TOOLCHAIN_DIR = 'toolchain';

/**
 * Carries out a release plan: builds the eggs whose version is new, gathers
 * the others, writes versions.cfg and the buildout archive into
 * .hostout/releases/<tag>/, and only then records the new versions in the ledger.
 */
export async function applyRelease(
  inputs: ReleaseInputs,
  plan: ReleasePlan,
  onEggBuild: (name: string, index: number, count: number) => void = () => undefined,
  eggBuilders = new EggBuilders(),
): Promise<ReleaseResult> {
  const releasesDir = join(inputs.stateDir, 'releases');
  removeLeftoverPartials(releasesDir);
  try {
    return await writeRelease(inputs, plan, onEggBuild, eggBuilders);
  } finally {
    // renamed to its final name when the release succeeded; a failed one leaves no .partial folder behind
    rmSync(partialDir(releasesDir, plan.tag), { recursive: true, force: true });
  }
}

async function writeRelease(inputs: ReleaseInputs, plan: ReleasePlan, onEggBuild: (name: string, index: number, count: number) => void, eggBuilders: EggBuilders): Promise<ReleaseResult> {
  const releasesDir = join(inputs.stateDir, 'releases');
  const finalDir = join(releasesDir, plan.tag);
  const inputsDigest = releaseInputsDigest(inputs, plan);
  const earlier = writtenRelease(finalDir, plan, inputsDigest);
  if (earlier) return earlier;

  const eggCache = join(inputs.stateDir, 'eggs');
  const warnings: string[] = [];
  const built: { egg: PlannedEgg; file: BuiltEgg }[] = [];
  const changed = plan.eggs.filter((e) => e.develop && e.changed);
  for (const egg of plan.eggs) {
    if (changed.includes(egg)) {
      onEggBuild(egg.name, changed.indexOf(egg) + 1, changed.length);
      // the next changed egg's builder loads setuptools while this one builds
      if (changed.indexOf(egg) + 1 < changed.length) eggBuilders.prepare(inputs.target.python);
    }
    built.push({ egg, file: await eggFor(egg, inputs, eggCache, warnings, eggBuilders) });
  }

  const wheels = plan.toolchain.shipsWheels ? await toolchainWheels(inputs.target.python, plan.toolchain.dists, join(inputs.stateDir, 'toolchain-wheels')) : [];

  const workDir = partialDir(releasesDir, plan.tag);
  rmSync(workDir, { recursive: true, force: true });
  let written: { archiveName: string; archive: { sha256: string; size: number }; eggs: ReleasedEgg[]; toolchainWheels: ReleasedWheel[]; manifest: Manifest };
  try {
    written = await writeReleaseDir(inputs, plan, built, wheels, workDir, finalDir, inputsDigest);
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
    toolchainWheels: written.toolchainWheels,
    manifest,
    warnings,
  };
}

/** Everything a release is, in `workDir`: the pins, hostout.cfg, the archive, the eggs, the manifest. */
async function writeReleaseDir(
  inputs: ReleaseInputs,
  plan: ReleasePlan,
  built: readonly { egg: PlannedEgg; file: BuiltEgg }[],
  wheels: readonly (BuiltEgg & { name: string; version: string })[],
  workDir: string,
  finalDir: string,
  inputsDigest: string,
) {
  mkdirSync(join(workDir, SHIPPED_EGGS_DIR), { recursive: true });
  const { archiveName, archive } = await writeBuildoutArchive(inputs, plan, workDir);
  for (const { file } of built) linkOrCopy(file.path, join(workDir, SHIPPED_EGGS_DIR, file.filename));
  if (wheels.length > 0) mkdirSync(join(workDir, TOOLCHAIN_DIR));
  for (const wheel of wheels) linkOrCopy(wheel.path, join(workDir, TOOLCHAIN_DIR, wheel.filename));
  const toolchainWheels: ReleasedWheel[] = wheels.map((w) => ({ name: w.name, version: w.version, sha256: w.sha256, size: w.size, filename: w.filename, file: join(finalDir, TOOLCHAIN_DIR, w.filename) }));

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
    toolchain: manifestToolchain(plan, toolchainWheels),
  };
  writeFileAtomic(join(workDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileAtomic(join(workDir, INPUTS_DIGEST_FILE), inputsDigest + '\n');
  return { archiveName, archive: { sha256: archive.sha256, size: archive.size }, eggs, toolchainWheels, manifest };
}

function manifestToolchain(plan: ReleasePlan, wheels: readonly ReleasedWheel[]): ManifestToolchain {
  return { python: plan.toolchain.pythonMinor, buildout: plan.toolchain.buildout, wheels: wheels.map(({ file: _file, ...wheel }) => wheel) };
}

/**
 * The plan's versions.cfg and hostout.cfg, and the buildout archive with them, in `dir`,
 * refused when it unpacks to more than max-unpacked-size. Deterministic: a dry run that
 * writes it elsewhere gets the hash the release will have.
 */
export async function writeBuildoutArchive(
  inputs: ReleaseInputs,
  plan: ReleasePlan,
  dir: string,
): Promise<{ archiveName: string; archive: { sha256: string; size: number; entries: number; unpackedBytes: number } }> {
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
  checkArchiveBounds(archive, plan.settings.maxUnpackedBytes, join(dir, archiveName));
  return { archiveName, archive: { sha256: archive.sha256, size: archive.size, entries: archive.entries, unpackedBytes: archive.unpackedBytes } };
}

const INPUTS_DIGEST_FILE = 'release-inputs.sha256';

/** Everything a release directory's files are made from (the tag holds only a short hash of most of it). */
function releaseInputsDigest(inputs: ReleaseInputs, plan: ReleasePlan): string {
  const eggs = plan.eggs.map((e) => [e.name, e.version, e.develop, e.package?.sourceHash ?? e.dist?.location ?? '']);
  return createHash('sha256')
    .update(canonicalJson({ tag: plan.tag, productionFilesDigest: inputs.productionFilesDigest, versions: plan.versionsFileText, host: plan.hostBuildoutText, buildout: plan.buildout, settings: plan.settings, eggs, toolchain: plan.toolchain }))
    .digest('hex');
}

/**
 * The release directory an earlier run wrote from the same inputs, when it is whole:
 * releasing again without a change rewrites nothing (no archive, no egg hashing, no
 * fsync), it answers from the manifest written then.
 */
function writtenRelease(finalDir: string, plan: ReleasePlan, inputsDigest: string): ReleaseResult | undefined {
  if (plan.eggs.some((e) => e.changed)) return undefined;
  let manifest: Manifest;
  try {
    if (readFileSync(join(finalDir, INPUTS_DIGEST_FILE), 'utf8').trim() !== inputsDigest) return undefined;
    manifest = JSON.parse(readFileSync(join(finalDir, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const archiveFile = join(finalDir, `buildout-${plan.tag}.tar.gz`);
  const whole = (file: string, size: number) => statSync(file, { throwIfNoEntry: false })?.size === size;
  const wheels = manifest.toolchain?.wheels ?? [];
  if (!whole(archiveFile, manifest.archive.size) || !manifest.eggs.every((egg) => whole(join(finalDir, SHIPPED_EGGS_DIR, egg.filename), egg.size))) return undefined;
  if (!wheels.every((wheel) => whole(join(finalDir, TOOLCHAIN_DIR, wheel.filename), wheel.size))) return undefined;
  return {
    tag: plan.tag,
    releaseDir: finalDir,
    buildout: plan.buildout,
    archive: { file: archiveFile, ...manifest.archive },
    versionsFile: join(finalDir, plan.versionsFileName),
    eggs: manifest.eggs.map((egg) => ({ ...egg, changed: false, file: join(finalDir, SHIPPED_EGGS_DIR, egg.filename) })),
    toolchainWheels: wheels.map((wheel) => ({ ...wheel, file: join(finalDir, TOOLCHAIN_DIR, wheel.filename) })),
    manifest,
    warnings: [],
  };
}

async function eggFor(egg: PlannedEgg, inputs: ReleaseInputs, eggCache: string, warnings: string[], eggBuilders: EggBuilders): Promise<BuiltEgg> {
  if (!egg.develop) return shippableThirdPartyEgg(egg.dist!, eggCache);
  const pkg = egg.package!;
  const cached = egg.changed ? undefined : await findCachedEgg(eggCache, egg.name, egg.version);
  if (cached) return cached;
  const built = await buildDevelopEgg({ python: inputs.target.python, name: egg.name, packageDir: pkg.dir, files: pkg.files, version: egg.version, cacheDir: eggCache, builders: eggBuilders });
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

function partialDir(releasesDir: string, tag: string): string {
  return join(releasesDir, `.${tag}.partial`);
}

/** `.<tag>.partial` folders that runs killed before they finished left behind; the caller holds the work folder lock. */
function removeLeftoverPartials(releasesDir: string): void {
  for (const name of existsSync(releasesDir) ? readdirSync(releasesDir) : []) {
    if (name.startsWith('.') && name.endsWith('.partial')) rmSync(join(releasesDir, name), { recursive: true, force: true });
  }
}
