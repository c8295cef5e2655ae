import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { deploySettingsFromTarget } from '../target/deploy-settings.ts';
import type { LedgerEntry } from './ledger.ts';
import { gatherReleaseInputs, hashDevelopPackages, type HashedDevelopPackages, type ReleaseInputs } from './release-inputs.ts';
import { planRelease, type ReleasePlan } from './release-plan.ts';
import { applyRelease, type ReleaseResult } from './apply-release.ts';
import { mergeLedgerEntries, readLedger, writeLedger } from './ledger.ts';
import { EggBuilders } from './egg-builders.ts';

/** read config → plan: what `ctl plan` shows and every release starts from. */
export async function planTargetRelease(
  loaded: { config: BuildoutConfig; target: Target },
  knownElsewhere: readonly LedgerEntry[] = [],
): Promise<{ inputs: ReleaseInputs; plan: ReleasePlan }> {
  const inputs = await gatherReleaseInputs(loaded);
  return { inputs, plan: planFromInputs(inputs, knownElsewhere) };
}

/**
 * A release with its local half done: config read, packages hashed, metadata read, pins
 * resolved, and an egg builder already importing setuptools if anything changed. What
 * the hosts know (the egg versions they hold) finishes it: ctl deploy gathers while it
 * connects and asks.
 */
export interface GatheredRelease {
  inputs: ReleaseInputs;
  eggBuilders: EggBuilders;
}

/** A release's first, cheap step: its develop packages hashed and, if one changed, its builder started. */
export interface BegunRelease {
  hashed: HashedDevelopPackages;
  eggBuilders: EggBuilders;
}

export function beginRelease(loaded: { config: BuildoutConfig; target: Target }): BegunRelease {
  const eggBuilders = new EggBuilders();
  return { hashed: hashDevelopPackages(loaded, eggBuilders), eggBuilders };
}

export async function gatherRelease(loaded: { config: BuildoutConfig; target: Target }, begun = beginRelease(loaded)): Promise<GatheredRelease> {
  try {
    return { inputs: await gatherReleaseInputs(loaded, begun.hashed), eggBuilders: begun.eggBuilders };
  } catch (error) {
    begun.eggBuilders.close();
    throw error;
  }
}

/** plan → build, minting only versions no host has seen for other code. */
export async function finishRelease(
  gathered: GatheredRelease,
  knownElsewhere: readonly LedgerEntry[] = [],
  onEggBuild?: (name: string, index: number, count: number) => void,
): Promise<{ plan: ReleasePlan; result: ReleaseResult }> {
  try {
    const plan = planFromInputs(gathered.inputs, knownElsewhere);
    const result = await applyRelease(gathered.inputs, plan, onEggBuild, gathered.eggBuilders);
    learnVersionsFromHost(gathered.inputs, knownElsewhere);
    return { plan, result };
  } finally {
    gathered.eggBuilders.close();
  }
}

/** read config → plan → build: what `ctl release` does and `ctl deploy` ships. */
export async function releaseTarget(
  loaded: { config: BuildoutConfig; target: Target },
  knownElsewhere: readonly LedgerEntry[] = [],
  onEggBuild?: (name: string, index: number, count: number) => void,
): Promise<{ plan: ReleasePlan; result: ReleaseResult }> {
  return finishRelease(await gatherRelease(loaded), knownElsewhere, onEggBuild);
}

function planFromInputs(inputs: ReleaseInputs, knownElsewhere: readonly LedgerEntry[]): ReleasePlan {
  return planRelease({
    ...inputs,
    knownElsewhere,
    productionConfigPath: inputs.target.buildoutFile,
    shipsRemoteExtends: inputs.production.remoteFiles.length > 0,
    settings: deploySettingsFromTarget(inputs.target),
    now: new Date(),
  });
}

/**
 * The ledger is reconciled with what the host reports: versions another laptop
 * released land in this one's ledger too, so even an offline `ctl plan` here
 * will not pick them again.
 */
function learnVersionsFromHost(inputs: ReleaseInputs, knownElsewhere: readonly LedgerEntry[]): void {
  if (knownElsewhere.length === 0) return;
  const ledger = readLedger(inputs.target.ledgerFile);
  const merged = mergeLedgerEntries(ledger, knownElsewhere);
  if (merged.length > ledger.length) writeLedger(inputs.target.ledgerFile, merged);
}
