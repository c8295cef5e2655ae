import type { Target } from '../target/target.ts';
import type { DeploySettings } from '../../shared/manifest.ts';
import { canonicalJson } from '../../shared/trust/manifest-signature.ts';
import type { LedgerEntry } from './ledger.ts';
import { pickVersion, type VersionDecision } from './next-version.ts';
import type { ResolvedDist } from './resolve-production-eggs.ts';
import { isBuildoutRuntime } from './third-party-egg.ts';
import { ReleaseError } from '../../shared/errors.ts';
import { canonicalName } from '../toolchain/buildout-toolchain.ts';
import { renderHostBuildout, renderVersionsFile, HOST_BUILDOUT_FILE, type TeamVersionsFile } from './versions-file.ts';
import { releaseTag } from './release-tag.ts';
import { HOST_EXTENDS_CACHE_DIR } from './extends-cache-entries.ts';

export interface DevelopPackage {
  name: string;
  declaredVersion: string;
  dir: string;
  sourceHash: string;
  files: readonly string[];
}

export interface PlannedEgg {
  name: string;
  version: string;
  develop: boolean;
  /** a new version is minted: the egg must be built and recorded in the ledger */
  changed: boolean;
  decision?: VersionDecision['kind'];
  package?: DevelopPackage;
  dist?: ResolvedDist;
}

/** The buildout toolchain the release is built with, and whether it travels as wheels. */
export interface PlannedToolchain {
  /** 3.12.1 */
  python: string;
  pythonMinor: string;
  buildout: string;
  dists: readonly { name: string; version: string; location: string }[];
  /** a virtualenv's toolchain, pinned and shipped; false: the host's own (Debian's) buildout builds */
  shipsWheels: boolean;
}

export interface PlanInputs {
  target: Target;
  toolchain: PlannedToolchain;
  developPackages: readonly DevelopPackage[];
  ledger: readonly LedgerEntry[];
  /** versions other machines already released, e.g. as reported by the agent */
  knownElsewhere?: readonly LedgerEntry[];
  resolved: readonly ResolvedDist[];
  /** digest of the archive's files that do not depend on the plan */
  productionFilesDigest: string;
  productionConfigPath: string;
  /** where the pins file goes in the archive */
  versionsFileName: string;
  /** the team's own pins file, which the generated one keeps and adds to */
  teamVersions?: TeamVersionsFile;
  /** the production chain extends URLs: their copies travel as an extends cache */
  shipsRemoteExtends?: boolean;
  settings: DeploySettings;
  now: Date;
}

export interface ReleasePlan {
  target: string;
  tag: string;
  created: string;
  buildout: string;
  versionsFileName: string;
  eggs: PlannedEgg[];
  pins: Record<string, string>;
  versionsFileText: string;
  hostBuildoutText: string;
  settings: DeploySettings;
  toolchain: PlannedToolchain;
  /** develop packages production does not use: neither released nor shipped */
  unusedDevelopPackages: string[];
}

/**
 * Decides a release without touching anything: the version of every develop
 * egg, the full pin set and the tag. Same inputs, same plan.
 */
export function planRelease(inputs: PlanInputs): ReleasePlan {
  const minted = [...inputs.ledger, ...(inputs.knownElsewhere ?? [])];
  const resolvedNames = new Set(inputs.resolved.map((d) => d.name.toLowerCase()));
  const developNames = new Set(inputs.developPackages.map((p) => p.name.toLowerCase()));
  const used = inputs.developPackages.filter((p) => resolvedNames.has(p.name.toLowerCase()));
  const eggs: PlannedEgg[] = used.map((pkg) => {
    const decision = pickVersion(
      pkg.name,
      pkg.declaredVersion,
      pkg.sourceHash,
      minted.filter((e) => e.name.toLowerCase() === pkg.name.toLowerCase()),
    );
    return { name: pkg.name, version: decision.version, develop: true, changed: decision.kind === 'mint', decision: decision.kind, package: pkg };
  });
  const toolchainNames = new Set(inputs.toolchain.dists.map((d) => canonicalName(d.name)));
  for (const dist of inputs.resolved) {
    if (developNames.has(dist.name.toLowerCase()) || isBuildoutRuntime(dist.name)) continue;
    if (toolchainNames.has(canonicalName(dist.name))) continue;
    if (dist.origin === 'environment') throw notShippable(dist, inputs.toolchain);
    eggs.push({ name: dist.name, version: dist.version, develop: false, changed: false, dist });
  }
  eggs.sort((a, b) => a.name.localeCompare(b.name));
  // a shipped toolchain is pinned too: the host's buildout then runs on exactly these versions
  const toolchainPins = inputs.toolchain.shipsWheels ? inputs.toolchain.dists.map((d): [string, string] => [d.name, d.version]) : [];
  const pins = Object.fromEntries([...eggs.map((e): [string, string] => [e.name, e.version]), ...toolchainPins].sort(([a], [b]) => a.localeCompare(b)));
  const versionsFileText = renderVersionsFile(pins, inputs.teamVersions);
  const hostBuildoutText = renderHostBuildout(relativeProductionConfig(inputs), inputs.versionsFileName, inputs.shipsRemoteExtends ? HOST_EXTENDS_CACHE_DIR : undefined);
  const { pythonMinor, buildout, shipsWheels } = inputs.toolchain;
  const contentDigest = `${inputs.productionFilesDigest}\n${versionsFileText}\n${hostBuildoutText}\n${canonicalJson(inputs.settings)}\n${canonicalJson({ pythonMinor, buildout, shipsWheels })}`;
  return {
    target: inputs.target.name,
    tag: releaseTag(inputs.now, contentDigest, pins),
    created: inputs.now.toISOString(),
    buildout: HOST_BUILDOUT_FILE,
    versionsFileName: inputs.versionsFileName,
    eggs,
    pins,
    versionsFileText,
    hostBuildoutText,
    settings: inputs.settings,
    toolchain: inputs.toolchain,
    unusedDevelopPackages: inputs.developPackages.filter((p) => !used.includes(p)).map((p) => p.name),
  };
}

/** A distribution production needs that lies in the interpreter's own site-packages, outside the toolchain. */
function notShippable(dist: ResolvedDist, toolchain: PlannedToolchain): ReleaseError {
  return new ReleaseError(`${dist.name} ${dist.version} comes from ${dist.location}, the interpreter's own packages, not from an egg, so it cannot be shipped`, {
    where: dist.name,
    hint: `Hostout ships the buildout toolchain from there (${toolchain.dists.map((d) => d.name).join(', ') || 'none'}) and nothing else: put a zipped egg of ${dist.name} in the development buildout's find-links (buildout then installs it into eggs/), or make it a develop package`,
  });
}

function relativeProductionConfig(inputs: PlanInputs): string {
  const root = inputs.target.buildoutDirectory.replace(/\/$/, '') + '/';
  return inputs.productionConfigPath.startsWith(root) ? inputs.productionConfigPath.slice(root.length) : inputs.productionConfigPath;
}
