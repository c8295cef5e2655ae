/**
 * What the host does when ctl goes away in the middle of a deploy or rollback (Ctrl-C, a
 * lost connection): before the Deploy (or Rollback) call nothing changed there; after it the
 * agent carries on by itself, whether or not anyone watches.
 */
import { HostoutError } from '../../shared/errors.ts';

export interface RemoteProgress {
  operation: 'deploy' | 'rollback';
  /** the release being deployed, once it is known */
  tag?: string;
  /** whether the agent was asked to deploy (or roll back): from then on it goes on without ctl */
  requested: boolean;
  /** the last phase the agent reported */
  phase?: string;
}

/** The connection to the agent broke during a call; the text says what the host does meanwhile. */
export class ConnectionLostError extends HostoutError {}

/** Exit code after Ctrl-C, as shells report a SIGINT death (128 + 2). */
export const INTERRUPTED_EXIT_CODE = 130;

export function whatTheHostDoes(progress: RemoteProgress): string {
  if (!progress.requested) {
    return progress.operation === 'deploy'
      ? 'nothing changed on the host (blobs already uploaded stay there and are not sent again)'
      : 'nothing changed on the host';
  }
  const what = progress.operation === 'deploy' ? `deploy ${progress.tag ?? ''}`.trim() : `the rollback${progress.tag ? ` to ${progress.tag}` : ''}`;
  return `the host goes on with ${what} (phase ${progress.phase ?? 'verify'}); \`ctl status\` shows the outcome`;
}

/** A lost connection explained: what the host does now, and what an agent that died will do when it starts again. */
export function connectionLost(error: HostoutError, progress: RemoteProgress): ConnectionLostError {
  const ifDead = progress.requested
    ? `; if the agent itself stopped (crash, restart), it finishes or rolls back the ${progress.operation} from its journal when it starts again, and a lock its dead process held does not block the next deploy`
    : '';
  return new ConnectionLostError(error.message, { where: error.where, hint: `${whatTheHostDoes(progress)}${ifDead}`, cause: error });
}

/**
 * Until the returned function is called, Ctrl-C (SIGINT) prints what the host does and exits
 * 130, instead of leaving the operator to guess. `cleanup` runs first (e.g. releasing a lock).
 */
export function explainInterruption(progress: RemoteProgress, cleanup: () => void = () => {}): () => void {
  const onInterrupt = () => {
    cleanup();
    process.stderr.write(`\ninterrupted: ${whatTheHostDoes(progress)}\n`);
    process.exit(INTERRUPTED_EXIT_CODE);
  };
  process.once('SIGINT', onInterrupt);
  return () => void process.removeListener('SIGINT', onInterrupt);
}
