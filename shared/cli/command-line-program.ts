import { Command, CommanderError } from 'commander';
import { UsageError } from '../errors.ts';
import { HOSTOUT_VERSION } from '../hostout-version.ts';
import { reportFailure, wantsJson } from './report-failure.ts';
import { ExitCode } from './exit-codes.ts';

/**
 * The command line of `ctl` or `hostout-agent`: `--version`, a pointer to the help after
 * a usage error, and commander's usage errors turned into UsageError (exit 2),
 * in JSON under `--json`. Commands registered afterwards inherit all of it.
 */
export function commandLineProgram(name: string, description: string): Command {
  const json = wantsJson(process.argv);
  const program = new Command(name)
    .description(description)
    .version(HOSTOUT_VERSION, '-V, --version', 'print the Hostout version')
    // the program's own options only before a command: `ctl init --version 2.0` sets the target's version option
    .enablePositionalOptions()
    // wrapped to the terminal, or to 80 columns when piped (commander would not wrap then)
    .configureHelp({ sortSubcommands: false, helpWidth: process.stdout.columns || 80, subcommandTerm: commandTerm })
    .exitOverride();
  // Under --json commander's own message becomes the JSON error; on a terminal it
  // is printed as usual, followed by the help.
  // a short pointer, not the whole help: a mistyped option's "did you mean" must stay in sight
  return json ? program.configureOutput({ outputError: () => undefined }) : program.showHelpAfterError(`(${name} --help lists the commands; ${name} COMMAND --help a command's options)`);
}

/**
 * A command as the command list shows it: its name and arguments. Commander adds
 * "[options]" too, which made the column so wide that the descriptions could not wrap.
 */
function commandTerm(command: Command): string {
  const args = command.registeredArguments.map((a) => (a.required ? `<${a.name()}${a.variadic ? '...' : ''}>` : `[${a.name()}${a.variadic ? '...' : ''}]`));
  return [command.name(), ...args].join(' ');
}

/** How a program shows its failures: ctl closes its open progress line first, and colours the error on a terminal. */
export interface FailureDisplay {
  beforeFailure?: () => void;
  errorLabel?: (label: string) => string;
}

/** Parses the command line and runs the command; a failure is reported once and sets the exit code. */
export async function runCommandLine(program: Command, display: FailureDisplay = {}): Promise<void> {
  markRequiredOptions(program);
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return; // --help, --version
      const usage = new UsageError(error.message.replace(/^error: /, ''), { hint: `${program.name()} --help lists the commands and options` });
      // on a terminal commander has printed the message and the help already
      process.exitCode = wantsJson(process.argv) ? reportFailure(usage, { json: true }) : ExitCode.usage;
      return;
    }
    display.beforeFailure?.();
    process.exitCode = reportFailure(error, { json: wantsJson(process.argv), errorLabel: display.errorLabel });
  }
}

/** Commander does not say which options are required; help should. */
function markRequiredOptions(command: Command): void {
  for (const option of command.options) {
    if (option.mandatory && !option.description.endsWith('(required)')) option.description += ' (required)';
  }
  command.commands.forEach(markRequiredOptions);
}
