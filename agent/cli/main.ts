import { Command } from 'commander';
import { reportFailure } from '../../shared/report-failure.ts';
import { registerInitCommands } from './init-commands.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerHostCommands } from './host-commands.ts';

const program = new Command('hostout-agent')
  .description('Hostout agent: stores releases, builds them, swaps them with a short stop and rolls back, on this host')
  .showHelpAfterError();

registerInitCommands(program);
registerServeCommand(program);
registerHostCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}
