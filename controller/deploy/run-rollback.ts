import type { Target } from '../target/target.ts';
import { AgentCallError } from '../agent-client/agent-client.ts';
import { withAgent } from '../agent-client/with-agent.ts';
import { DeployProgress, type PhaseEvent } from './deploy-progress.ts';
import { PhaseTimeline, type PhaseTiming } from './phase-timeline.ts';
import { outputMode, type ProgressOutput } from '../cli/terminal.ts';
import { connectionLost, explainInterruption, type RemoteProgress } from './interruption.ts';

/**
 * ctl rollback: ask the agent to switch back to an earlier built release, one line per phase.
 * Ctrl-C or a lost connection say what the host does meanwhile. Returns the live version,
 * the phases as ctl saw them and the downtime (what `ctl rollback --json` prints).
 */
export async function runRollback(
  target: Target,
  request: { to?: string; withDb: boolean; skipStop: boolean },
  output: ProgressOutput,
): Promise<{ version: string | undefined; phases: PhaseTiming[]; downtimeMs?: number }> {
  const remote: RemoteProgress = { operation: 'rollback', requested: false };
  const stopExplaining = explainInterruption(remote);
  try {
    return await withAgent(target, async (connection) => {
      const progress = new DeployProgress(output.write, outputMode().verbose, output);
      const timeline = new PhaseTimeline();
      let last: PhaseEvent | undefined;
      remote.requested = true;
      for await (const event of connection.stream<PhaseEvent>('Rollback', { to: request.to ?? '', withDb: request.withDb, skipStop: request.skipStop })) {
        progress.event(event);
        timeline.record(event);
        last = event;
        remote.tag = event.tag || remote.tag;
        if (event.state === 'started') remote.phase = event.phase;
      }
      progress.finish();
      return { version: last?.version, phases: timeline.phases(), downtimeMs: timeline.downtimeMs() };
    });
  } catch (error) {
    throw error instanceof AgentCallError && error.connectionLost ? connectionLost(error, remote) : error;
  } finally {
    stopExplaining();
  }
}
