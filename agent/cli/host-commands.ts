import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { userInfo } from 'node:os';
import pino from 'pino';
import { Agent } from '../agent.ts';
import { rollbackRelease } from '../deploy/on-demand.ts';
import { formatDeployEvent } from '../deploy/format-deploy-event.ts';
import { formatStatus } from '../../shared/agent-status.ts';
import { StateError } from '../../shared/errors.ts';

/**
 * Commands for the host itself, for when the controller is gone: they act on
 * the state directly, under the same deploy lock as the running agent, so
 * they work whether the agent runs or not.
 */
export function registerHostCommands(program: Command): void {
  program
    .command('status')
    .description('the current release, kept releases, backups and the lock, read from the state directory')
    .requiredOption('--path <dir>', 'state directory')
    .option('--json', 'print one JSON object')
    .action((options: { path: string; json?: boolean }) => {
      const agent = openAsStateOwner(options.path);
      const status = agent.status();
      process.stdout.write(options.json ? JSON.stringify(status, null, 2) + '\n' : formatStatus(status));
    });

  program
    .command('rollback')
    .description('switch back to an earlier built release and restart it; no rebuild, no network, no controller')
    .requiredOption('--path <dir>', 'state directory')
    .option('--to <tag|version>', 'the release to go back to, e.g. 0.1 or its tag (default: the one before the current)')
    .option('--with-db', 'also restore the database as it was while that release ran')
    .option('--skip-stop', 'do not run the current release\'s stop command: you stopped its services by hand (e.g. because that command hangs)')
    .option('-q, --quiet', 'print only the result and errors')
    .option('-v, --verbose', 'print more: the output of the services\' commands')
    .action(async (options: { path: string; to?: string; withDb?: boolean; skipStop?: boolean; quiet?: boolean; verbose?: boolean }) => {
      const agent = openAsStateOwner(options.path);
      const holder = `host:${userInfo().username}`;
      const result = await rollbackRelease(agent, { to: options.to, withDb: Boolean(options.withDb), skipStop: Boolean(options.skipStop), holder }, (event) => {
        const line = options.quiet ? undefined : formatDeployEvent(event, Boolean(options.verbose));
        if (line) process.stdout.write(line + '\n');
      }).catch((error: Error) => {
        // refusals too (a maintenance lock, the deploy lock): the audit log shows who tried
        agent.audit({ keyId: holder, peer: 'local', action: 'Rollback', outcome: 'failed', detail: `to ${options.to ?? 'previous'}: ${error.message}` });
        throw error;
      });
      agent.audit({ keyId: holder, peer: 'local', action: 'Rollback', outcome: 'ok', detail: `to version ${result.version} (${result.tag})` });
      process.stdout.write(`Rolled back to version ${result.version} (${result.tag})\n`);
    });
}

/**
 * The state belongs to the deploy user; root acting on it would leave files
 * (and started services) owned by root. So root becomes the owner first.
 */
function openAsStateOwner(path: string): Agent {
  const owner = statSync(path, { throwIfNoEntry: false });
  if (!owner) {
    throw new StateError(`no agent state at ${path}: the directory does not exist`, {
      where: path,
      hint: 'pass the target\'s path (--path), or create the state with `hostout-agent init --path DIR`',
    });
  }
  if (process.getuid?.() === 0 && owner.uid !== 0) {
    process.setgid!(owner.gid);
    process.setuid!(owner.uid);
  }
  return new Agent(path, pino({ level: 'silent' }));
}
