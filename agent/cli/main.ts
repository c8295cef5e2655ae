import { Command } from 'commander';
import { HostoutError } from '../../shared/errors.ts';
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
  if (error instanceof HostoutError) {
    process.stderr.write(`error: ${error.describe()}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`internal error (please report it): ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 70;
  }
}
