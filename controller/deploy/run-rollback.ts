import type { Target } from '../target/target.ts';
import { AgentCallError } from '../agent-client/agent-client.ts';
import { withAgent } from '../agent-client/with-agent.ts';
import { DeployProgress, type PhaseEvent } from './deploy-progress.ts';
import { connectionLost, explainInterruption, type RemoteProgress } from './interruption.ts';

/**
 * ctl rollback: ask the agent to switch back to an earlier built release, one line per phase.
 * Ctrl-C or a lost connection say what the host does meanwhile. Returns the live version.
 */
export async function runRollback(target: Target, request: { to?: string; withDb: boolean; skipStop: boolean }, write: (text: string) => void): Promise<number | undefined> {
  const remote: RemoteProgress = { operation: 'rollback', requested: false };
  const stopExplaining = explainInterruption(remote);
  try {
    return await withAgent(target, async (connection) => {
      const progress = new DeployProgress(write, false);
      let last: PhaseEvent | undefined;
      remote.requested = true;
      for await (const event of connection.stream<PhaseEvent>('Rollback', { to: request.to ?? '', withDb: request.withDb, skipStop: request.skipStop })) {
        progress.event(event);
        last = event;
        remote.tag = event.tag || remote.tag;
        if (event.state === 'started') remote.phase = event.phase;
      }
      progress.finish();
      return last?.number;
    });
  } catch (error) {
    throw error instanceof AgentCallError && error.connectionLost ? connectionLost(error, remote) : error;
  } finally {
    stopExplaining();
  }
}
