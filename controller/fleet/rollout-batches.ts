/** How a rollout goes live: the canary hosts alone first, then batches of `batch-size`. */
export interface RolloutSettings {
  /** a number of hosts, or a percentage of them ("25%") */
  batchSize: string;
  canary: number;
  maxFail: number;
  parallel: number;
}

export interface RolloutBatch<H> {
  hosts: H[];
  canary: boolean;
}

/** The batches in which `hosts` go live, in order; a percentage rounds up, so every batch has a host. */
export function rolloutBatches<H>(hosts: readonly H[], settings: Pick<RolloutSettings, 'batchSize' | 'canary'>): RolloutBatch<H>[] {
  const canaries = Math.min(settings.canary, hosts.length);
  const rest = hosts.slice(canaries);
  const size = settings.batchSize.endsWith('%')
    ? Math.max(1, Math.ceil((hosts.length * parseInt(settings.batchSize)) / 100))
    : Math.max(1, parseInt(settings.batchSize));
  const batches: RolloutBatch<H>[] = canaries ? [{ hosts: hosts.slice(0, canaries), canary: true }] : [];
  for (let i = 0; i < rest.length; i += size) batches.push({ hosts: rest.slice(i, i + size), canary: false });
  return batches;
}

/** Whether the rollout goes on after a batch: no canary failed, and no more hosts failed than max-fail allows. */
export function rolloutMayContinue(failedSoFar: number, batch: { canary: boolean; failed: number }, maxFail: number): boolean {
  if (batch.canary && batch.failed > 0) return false;
  return failedSoFar <= maxFail;
}
