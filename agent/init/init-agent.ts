import { hostname } from 'node:os';
import { existsSync } from 'node:fs';
import { agentLayout, ensureLayout } from '../state/agent-layout.ts';
import { agentConfigFile, readAgentConfig, writeAgentConfig, type AgentConfig } from '../config/agent-config.ts';
import { createTlsIdentity } from '../../shared/trust/tls-identity.ts';
import { authorizeKey, authorizedKeysPath, splitKeyAndName } from '../../shared/trust/authorized-keys.ts';
import { parsePublicKey } from '../../shared/trust/controller-key.ts';

export interface InitOptions {
  path: string;
  listen?: { host: string; port: number };
  python?: string;
  /** pass blobs on to other hosts (the blob relay); undefined: keep what an earlier init chose (yes) */
  servePeers?: boolean;
  authorize: string[];
}

export interface InitResult {
  path: string;
  created: boolean;
  listen: { host: string; port: number };
  fingerprint: string;
  certificate: string;
  authorized: { keyId: string; added: boolean; name: string }[];
}

/**
 * Creates (or completes) an agent's state: directories, TLS identity,
 * authorized controller keys and config. Safe to run again: what exists is
 * kept, so releases, keys and the pinned identity survive a second init.
 */
export async function initAgent(options: InitOptions): Promise<InitResult> {
  const layout = agentLayout(options.path);
  // each "KEY" or "KEY NAME" (ctl keys show prints both), the name kept as who the key belongs to
  const keys = options.authorize.map((text) => ({ ...splitKeyAndName(text), publicKey: parsePublicKey(splitKeyAndName(text).publicKey, '--authorize') }));
  const created = !existsSync(agentConfigFile(layout));
  ensureLayout(layout);
  const previous: Partial<AgentConfig> = created ? {} : readAgentConfig(layout);
  const config: AgentConfig = {
    listen: options.listen ?? previous.listen ?? { host: '127.0.0.1', port: 7611 },
    python: options.python ?? previous.python ?? '/usr/bin/python3',
    // every setting an earlier init or an operator wrote is kept unless given again
    ...(options.servePeers ?? previous.servePeers) === false ? { servePeers: false } : {},
  };
  const identity = await createTlsIdentity(layout.tlsDir, [hostname(), config.listen.host]);
  const authorized = keys.map((key) => ({ ...authorizeKey(authorizedKeysPath(layout.agentDir), key.publicKey, key.name), name: key.name }));
  writeAgentConfig(layout, config);
  return { path: layout.root, created, listen: config.listen, fingerprint: identity.fingerprint, certificate: identity.certPem, authorized };
}
