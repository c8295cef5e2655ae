/**
 * The target's `migrate` command: run once per deploy in the new release directory, after
 * the switch and before start, so schema changes happen with the services stopped and the
 * database just backed up under the release's tag. A failure rolls the deploy back with it.
 */
import { ServiceError } from '../../shared/errors.ts';
import type { DeploySettings } from '../../shared/manifest.ts';
import { describeOutcome, runCommand, shellCommand, succeeded } from '../services/run-command.ts';

export async function runMigration(migrate: NonNullable<DeploySettings['migrate']>, releaseDir: string, log: (line: string) => void): Promise<void> {
  const outcome = await runCommand({ argv: shellCommand(migrate.command), cwd: releaseDir, timeoutMs: migrate.timeoutSeconds * 1000, log });
  if (!succeeded(outcome)) {
    throw new ServiceError(`migrate failed: \`${outcome.display}\` ${describeOutcome(outcome)}`, {
      where: `${releaseDir} (phase migrate)`,
      hint: 'the deploy is rolled back, database included; fix the migration and deploy again',
    });
  }
}
