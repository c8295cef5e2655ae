import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import type { LedgerEntry } from './ledger.ts';
import type { PlannedEgg, ReleasePlan } from './release-plan.ts';
import type { ReleaseInputs } from './release-inputs.ts';
import { planTargetRelease } from './release-pipeline.ts';
import { writeBuildoutArchive } from './apply-release.ts';
import { describeEgg, eggFilenamePrefix, findCachedEgg } from './develop-egg.ts';
import { shippableThirdPartyEgg } from './third-party-egg.ts';
import { pythonMajorMinor } from './python-version.ts';
import { toolchainWheels } from '../toolchain/toolchain-wheels.ts';

/** One file a release would ship: its hash when known without building it. */
export interface PreviewBlob {
  filename: string;
  /** undefined for a develop egg that would have to be built to know its bytes */
  sha256?: string;
  /** bytes of the file; for an egg still to be built, the bytes of its source files */
  size: number;
  /** the egg would be built by the release (its hash and size are not known before) */
  toBuild: boolean;
  egg?: { name: string; version: string; develop: boolean; changed: boolean };
}

export interface ReleasePreview {
  plan: ReleasePlan;
  archive: PreviewBlob;
  eggs: PreviewBlob[];
  /** the buildout toolchain's wheels, when the release ships them */
  toolchainWheels: PreviewBlob[];
}

/** Every file the release would ship: the archive, the eggs, the toolchain's wheels. */
export function previewBlobs(preview: ReleasePreview): PreviewBlob[] {
  return [preview.archive, ...preview.eggs, ...preview.toolchainWheels];
}

/**
 * What a release would ship, without releasing: the plan, the buildout archive's
 * exact hash (written to a scratch folder outside .hostout, then removed) and each
 * egg's hash where it is known without building: third-party eggs, develop eggs
 * built before. New develop versions are named with the size of their sources.
 * No ledger write, nothing left in .hostout/releases or the egg cache.
 */
export async function previewRelease(loaded: { config: BuildoutConfig; target: Target }, knownElsewhere: readonly LedgerEntry[] = []): Promise<ReleasePreview> {
  const { inputs, plan } = await planTargetRelease(loaded, knownElsewhere);
  const scratch = mkdtempSync(join(tmpdir(), 'hostout-preview-'));
  try {
    const { archiveName, archive } = await writeBuildoutArchive(inputs, plan, scratch);
    const eggs: PreviewBlob[] = [];
    for (const egg of plan.eggs) eggs.push(await previewEgg(egg, inputs, [...inputs.ledger, ...knownElsewhere], scratch));
    // packed into their own cache as the release packs them: same bytes, so their hashes are known
    const wheels = plan.toolchain.shipsWheels ? await toolchainWheels(inputs.target.python, plan.toolchain.dists, join(inputs.stateDir, 'toolchain-wheels')) : [];
    const toolchain = wheels.map((w): PreviewBlob => ({ filename: w.filename, sha256: w.sha256, size: w.size, toBuild: false }));
    return { plan, archive: { filename: archiveName, ...archive, toBuild: false }, eggs, toolchainWheels: toolchain };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function previewEgg(egg: PlannedEgg, inputs: ReleaseInputs, minted: readonly LedgerEntry[], scratch: string): Promise<PreviewBlob> {
  const about = { name: egg.name, version: egg.version, develop: egg.develop, changed: egg.changed };
  const eggCache = join(inputs.stateDir, 'eggs');
  if (!egg.develop) {
    const cached = join(eggCache, basename(egg.dist!.location));
    // an unzipped egg is zipped as the release would, into the scratch folder: same bytes, same hash
    const described = existsSync(cached) ? await describeEgg(cached) : await shippableThirdPartyEgg(egg.dist!, join(scratch, 'eggs'));
    return { filename: described.filename, sha256: described.sha256, size: described.size, toBuild: false, egg: about };
  }
  const cached = egg.changed ? undefined : await findCachedEgg(eggCache, egg.name, egg.version);
  if (cached) return { filename: cached.filename, sha256: cached.sha256, size: cached.size, toBuild: false, egg: about };
  const pkg = egg.package!;
  const filename = `${eggFilenamePrefix(egg.name, egg.version)}py${pythonMajorMinor(inputs.target.python, `${pkg.dir}/setup.py`)}.egg`;
  const sourceBytes = pkg.files.reduce((sum, file) => sum + statSync(join(pkg.dir, file)).size, 0);
  // built on another laptop: the ledger knows its hash, and the host may hold it already
  const recorded = egg.changed ? undefined : minted.find((e) => e.name === egg.name && e.version === egg.version);
  return { filename, sha256: recorded?.eggSha256, size: sourceBytes, toBuild: true, egg: about };
}
