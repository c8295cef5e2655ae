import { InvalidArgumentError, type Command } from 'commander';

import { join } from 'node:path';
import { initAgent } from '../init/init-agent.ts';
import { parseListenAddress } from '../config/agent-config.ts';
import { agentLayout } from '../state/agent-layout.ts';
import { authorizeKey, authorizedKeysPath, describeKeyHolder, listAuthorizedKeys, revokeKey, splitKeyAndName } from '../../shared/trust/authorized-keys.ts';
import { buildoutLauncherSource } from '../init/buildout-launcher-source.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

function yesOrNo(value: string): boolean {
  if (value === 'yes' || value === 'no') return value === 'yes';
  throw new InvalidArgumentError(`expected yes or no, not "${value}"`);
}

export function registerInitCommands(program: Command): void {
  program
    .command('init')
    .description('create (or complete) the agent state: directories, TLS identity, authorized controller keys; prints the fingerprint to pin')
    .requiredOption('--path <dir>', 'state directory (the target\'s path), e.g. /srv/acme')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:7611, or what an earlier init chose)')
    .option('--authorize <pubkey...>', 'controller public key(s) to authorize (ctl keys show prints yours)', [])
    .option('--python <path>', 'the Python that runs buildout (default /usr/bin/python3)')
    .option('--serve-peers <yes|no>', 'pass release blobs on to other hosts of a fleet, so that ctl sends each once (default yes, or what an earlier init chose)', yesOrNo)
    .option('--json', 'print one JSON object')
    .action(async (options: { path: string; listen?: string; authorize: string[]; python?: string; servePeers?: boolean; json?: boolean }) => {
      const result = await initAgent({
        path: options.path,
        listen: options.listen ? parseListenAddress(options.listen) : undefined,
        authorize: options.authorize,
        python: options.python,
        servePeers: options.servePeers,
      });
      writeFileAtomic(join(agentLayout(options.path).agentDir, 'buildout_launcher.py'), buildoutLauncherSource(), { mode: 0o644 });
      if (options.json) {
        process.stdout.write(JSON.stringify(result) + '\n');
        return;
      }
      process.stdout.write(
        [
          `Agent state ${result.created ? 'created' : 'kept'} in ${result.path}`,
          `TLS fingerprint: ${result.fingerprint}`,
          ...result.authorized.map((a) => `Authorized controller key ${describeKeyHolder(a.keyId, a.name)}${a.added ? '' : ' (already authorized)'}`),
          ...(listAuthorizedKeys(authorizedKeysPath(agentLayout(options.path).agentDir)).length === 0
            ? [`No controller key is authorized yet: every request is refused until you run`, `    hostout-agent authorize --path ${result.path} KEY NAME    (ctl keys show prints your KEY; NAME says whose it is, e.g. ana@laptop)`]
            : []),
          `Start it:  hostout-agent serve --path ${result.path}   (listens on ${result.listen.host}:${result.listen.port})`,
          'Pair a deployment target with it (in your buildout.cfg):',
          `    host = ${result.listen.host === '0.0.0.0' ? '<this host>' : result.listen.host}`,
          `    path = ${result.path}`,
          `    agent-port = ${result.listen.port}`,
          `    agent-fingerprint = ${result.fingerprint}`,
          '',
        ].join('\n'),
      );
    });

  program
    .command('authorize')
    .description('authorize a controller key on this agent')
    .requiredOption('--path <dir>', 'state directory')
    .argument('<pubkey>', 'ed25519:<base64>, as `ctl keys show` prints it')
    .argument('[comment...]', 'who this key belongs to')
    .action((publicKey: string, comment: string[], options: { path: string }) => {
      // "KEY NAME" as one argument (quoted) works as well as KEY NAME
      const given = splitKeyAndName([publicKey, ...comment].join(' '));
      const { keyId, added, renamed } = authorizeKey(authorizedKeysPath(agentLayout(options.path).agentDir), given.publicKey, given.name);
      process.stdout.write(`${added ? 'Authorized' : renamed ? 'Already authorized, now named:' : 'Already authorized:'} ${describeKeyHolder(keyId, given.name)}\n`);
      if (!given.name) process.stderr.write(`hint: name whose key it is (e.g. hostout-agent authorize --path ${options.path} ${given.publicKey} ana@laptop): locks and history then say who, not just the key id\n`);
    });

  program
    .command('revoke')
    .description('revoke a controller key: its requests are refused from now on')
    .requiredOption('--path <dir>', 'state directory')
    .argument('<key>', 'key id or public key')
    .action((key: string, options: { path: string }) => {
      const { keyId, removed } = revokeKey(authorizedKeysPath(agentLayout(options.path).agentDir), key);
      process.stdout.write(`${removed ? 'Revoked' : 'Was not authorized:'} ${keyId}\n`);
    });

  program
    .command('keys')
    .description('list the authorized controller keys')
    .requiredOption('--path <dir>', 'state directory')
    .action((options: { path: string }) => {
      const keys = listAuthorizedKeys(authorizedKeysPath(agentLayout(options.path).agentDir));
      if (keys.length === 0) process.stderr.write(`no controller key is authorized on this agent: every request is refused; authorize one with hostout-agent authorize --path ${options.path} KEY NAME\n`);
      for (const key of keys) process.stdout.write(`${key.keyId}  ${key.publicKey}  ${key.comment}\n`);
    });
}
