import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { deploySettingsFromTarget } from '../target/deploy-settings.ts';
import type { LedgerEntry } from './ledger.ts';
import { gatherReleaseInputs, type ReleaseInputs } from './release-inputs.ts';
import { planRelease, type ReleasePlan } from './release-plan.ts';
import { applyRelease, type ReleaseResult } from './apply-release.ts';
import { mergeLedgerEntries, readLedger, writeLedger } from './ledger.ts';
import { EggBuilders } from './egg-builders.ts';

/** read config → plan: what `ctl plan` shows and every release starts from. */
export async function planTargetRelease(
  loaded: { config: BuildoutConfig; target: Target },
  knownElsewhere: readonly LedgerEntry[] = [],
  eggBuilders?: EggBuilders,
): Promise<{ inputs: ReleaseInputs; plan: ReleasePlan }> {
  const inputs = await gatherReleaseInputs(loaded, eggBuilders);
  const plan = planRelease({
    ...inputs,
    knownElsewhere,
    productionConfigPath: inputs.target.buildoutFile,
    shipsRemoteExtends: inputs.production.remoteFiles.length > 0,
    settings: deploySettingsFromTarget(inputs.target),
    now: new Date(),
  });
  return { inputs, plan };
}

/** read config → plan → build: what `ctl release` does and `ctl deploy` ships. */
export async function releaseTarget(
  loaded: { config: BuildoutConfig; target: Target },
  knownElsewhere: readonly LedgerEntry[] = [],
  onEggBuild?: (name: string, index: number, count: number) => void,
): Promise<{ plan: ReleasePlan; result: ReleaseResult }> {
  const eggBuilders = new EggBuilders();
  try {
    const { inputs, plan } = await planTargetRelease(loaded, knownElsewhere, eggBuilders);
    const result = await applyRelease(inputs, plan, onEggBuild, eggBuilders);
    learnVersionsFromHost(inputs, knownElsewhere);
    return { plan, result };
  } finally {
    eggBuilders.close();
  }
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
