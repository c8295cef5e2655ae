import type { Target } from '../target/target.ts';
import { defaultConfigDir, loadOrCreateControllerKey } from '../../shared/trust/controller-key.ts';
import { AgentConnection } from './agent-client.ts';
import { agentAddressOf } from './agent-address.ts';

/** Opens a signed, pinned connection to the target's agent for the length of `work`. */
export async function withAgent<T>(target: Target, work: (connection: AgentConnection) => Promise<T>): Promise<T> {
  const configDir = defaultConfigDir();
  const connection = await AgentConnection.open(agentAddressOf(target, configDir), loadOrCreateControllerKey(configDir), configDir);
  try {
    return await work(connection);
  } finally {
    connection.close();
  }
}
