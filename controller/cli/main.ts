import { Command } from 'commander';
import { reportFailure } from '../../shared/report-failure.ts';
import { registerReleaseCommands } from './release-commands.ts';
import { registerAgentCommands } from './agent-commands.ts';
import { registerBootstrapCommands } from './bootstrap-commands.ts';
import { registerInitCommand } from './init-command.ts';

const program = new Command('ctl')
  .description('Hostout controller: release a development buildout and deploy it to hosts running hostout-agent')
  .showHelpAfterError()
  .configureHelp({ sortSubcommands: false });

registerInitCommand(program);
registerReleaseCommands(program);
registerAgentCommands(program);
registerBootstrapCommands(program);


try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

