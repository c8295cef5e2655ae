import { HostoutError } from '../../shared/errors.ts';
import { serviceControl } from '../services/service-control.ts';
import type { DeployContext } from './deploy-steps.ts';
import type { StopCommandChoice } from './stop-command-choice.ts';

/** Stopping the running release failed (or timed out): nothing was switched, that release stays current. */
export class StopFailedError extends HostoutError {}

/**
 * The stop phase of a deploy or rollback: runs the chosen stop command in the running release's
 * directory, or, with --skip-stop, records that the operator stopped the services by hand.
 * Journaled as `stop` either way, so an undo knows the old release must be started again.
 */
export async function stopRunningRelease(context: DeployContext, running: { tag: string; version: string }, choice: StopCommandChoice, skipStop: boolean): Promise<void> {
  if (skipStop) {
    context.journal('stop', 'done', 'skipped: --skip-stop (the operator stopped the services)');
    context.emit('stop', 'info', `not stopping version ${running.version}: --skip-stop (the services were stopped by hand)`);
    return;
  }
  const dir = context.releaseDir(running.tag);
  await context.phase('stop', `stopping version ${running.version} with ${choice.command} (stop-timeout ${choice.timeoutSeconds} s)`, async () => {
    try {
      await serviceControl(choice.settings, context.output('stop')).stop(dir);
    } catch (error) {
      throw new StopFailedError(`stopping version ${running.version}: ${(error as Error).message}\n  that stop command came ${choice.origin}`, {
        where: `${dir} (phase stop)`,
        hint:
          `version ${running.version} stays current (nothing was switched). Fix the stop command (target option stop, or service-names) or raise stop-timeout, ` +
          'then deploy again: a deploy stops the running release with the stop command of the config being deployed. ' +
          'Or stop the services by hand and run `ctl deploy --skip-stop` or `ctl rollback --skip-stop` (on the host: `hostout-agent rollback --skip-stop`)',
        cause: error,
      });
    }
  });
}
