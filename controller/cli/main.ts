import { commandLineProgram, runCommandLine } from '../../shared/cli/command-line-program.ts';
import { registerReleaseCommands } from './release-commands.ts';
import { registerAgentCommands } from './agent-commands.ts';
import { registerOperatorCommands } from './operator-commands.ts';
import { registerBootstrapCommands } from './bootstrap-commands.ts';
import { registerInitCommand } from './init-command.ts';
import { registerPinCommands } from './fleet-commands.ts';
import { registerReportCommand } from './report-command.ts';
import { addTerminalOptions, closeOpenProgressLines, styleFor } from './terminal.ts';
import { registerCheckCommand } from './check-command.ts';

const program = commandLineProgram('ctl', 'Hostout controller: release a development buildout and deploy it to hosts running hostout-agent');

registerInitCommand(program);
registerReleaseCommands(program);
registerAgentCommands(program);
registerCheckCommand(program);
registerOperatorCommands(program);
registerBootstrapCommands(program);
registerPinCommands(program);
registerReportCommand(program);
addTerminalOptions(program);
// also before the command (`ctl --no-color status`): the modes are read from the whole command line
program.option('-q, --quiet', 'print only the result and errors').option('-v, --verbose', 'print more: the output of buildout and of the services').option('--no-color', 'no colours');

await runCommandLine(program, { beforeFailure: closeOpenProgressLines, errorLabel: styleFor(process.stderr).fail });
// The command is over: exit once what it printed is out, rather than wait for the gRPC channel's
// sockets and timers to wind down (10-15 ms after every command that spoke to an agent).
process.stdout.write('', () => process.stderr.write('', () => process.exit()));
