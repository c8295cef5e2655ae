import { commandLineProgram, runCommandLine } from '../../shared/cli/command-line-program.ts';
import { registerInitCommands } from './init-commands.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerHostCommands } from './host-commands.ts';

const program = commandLineProgram('hostout-agent', 'Hostout agent: stores releases, builds them, swaps them with a short stop and rolls back, on this host');

registerInitCommands(program);
registerServeCommand(program);
registerHostCommands(program);

await runCommandLine(program);
