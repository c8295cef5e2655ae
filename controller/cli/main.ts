import { Command } from 'commander';
import { HostoutError } from '../../shared/errors.ts';
import { registerReleaseCommands } from './release-commands.ts';
import { registerAgentCommands } from './agent-commands.ts';
import { registerBootstrapCommands } from './bootstrap-commands.ts';

const program = new Command('ctl')
  .description('Hostout controller: release a development buildout and deploy it to hosts running hostout-agent')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

registerReleaseCommands(program);
registerAgentCommands(program);
registerBootstrapCommands(program);


try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

/** One clear message on stderr; the stack only for bugs, not for errors users can act on. */
function reportFailure(error: unknown): number {
  if (error instanceof HostoutError) {
    process.stderr.write(`error: ${error.describe()}\n`);
    return 1;
  }
  process.stderr.write(`internal error (please report it): ${(error as Error)?.stack ?? error}\n`);
  return 70;
}
