import type { Command } from 'commander';
import { bootstrapFleet, fleetHostsOf, isFleet } from './fleet-commands.ts';
import { resolve } from 'node:path';
import { loadTargetConfig } from '../target/load-target.ts';
import { defaultConfigDir } from '../../shared/trust/controller-key.ts';
import { ProgressOutput } from './terminal.ts';

export interface BootstrapCliOptions {
  config: string;
  rootUser?: string;
  rootPasswordStdin?: boolean;
  identity?: string;
}

/** Prepares the target's host over SSH (root credentials asked for, never kept). */
export async function bootstrapTarget(command: string, targetName: string | undefined, options: BootstrapCliOptions, write: (text: string) => void) {
  const { bootstrapHost } = await import('../bootstrap/bootstrap-host.ts');
  const { rootCredentials } = await import('../bootstrap/root-credentials.ts');
  const { target } = loadTargetConfig(resolve(options.config), targetName, command);
  const { user, credentials } = await rootCredentials(options, write);
  return bootstrapHost(target, { rootUser: user, credentials, configDir: defaultConfigDir(), write });
}

export function withRootCredentialOptions(command: Command): Command {
  return command
    .option('--root-user <name>', 'the account to log in with over SSH: root, or one that may sudo', 'root')
    .option('--root-password-stdin', 'read the root password from standard input (used once, never stored)')
    .option('--identity <keyfile>', 'log in with this SSH private key instead of a password');
}

export function registerBootstrapCommands(program: Command): void {
  withRootCredentialOptions(
    program
      .command('bootstrap')
      .description('prepare a brand-new host over SSH: deploy user, Python, the agent as a service; pin its identity')
      .argument('[target]', 'deployment target section')
      .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
      .option('--hosts <list>', 'only these of the target\'s hosts, comma-separated (HOST or HOST:PORT)'),
  ).action(async (target: string | undefined, options: BootstrapCliOptions & { hosts?: string }) => {
    const write = new ProgressOutput(process.stdout).write;
    const loaded = loadTargetConfig(resolve(options.config), target, 'bootstrap');
    if (isFleet(loaded.target)) return bootstrapFleet(loaded.target, fleetHostsOf(loaded.target, options.hosts), options, write);
    const result = await bootstrapTarget('bootstrap', target, options, write);
    process.stdout.write(`Host ready (${result.facts})\n`);
  });

  withRootCredentialOptions(
    program
      .command('upgrade-agent')
      .description("replace the agent on the target's host with this version and restart it (releases, keys and state are kept)")
      .argument('[target]', 'deployment target section')
      .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg'),
  ).action(async (target: string | undefined, options: BootstrapCliOptions) => {
    await bootstrapTarget('upgrade-agent', target, options, new ProgressOutput(process.stdout).write);
    process.stdout.write('Agent upgraded and restarted\n');
  });
}
