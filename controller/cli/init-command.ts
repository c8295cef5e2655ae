import type { Command } from 'commander';
import { resolve } from 'node:path';
import { TARGET_OPTIONS } from '../target/target-options.ts';

// One flag per target option, so a new option is a new flag of `ctl init` too.
const FLAG_OPTIONS = TARGET_OPTIONS.filter((spec) => spec.key !== 'recipe');
const camelCase = (key: string) => key.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

export function registerInitCommand(program: Command): void {
  const command = program
    .command('init')
    .description('set up this buildout to deploy through its own part: bin/buildout installs bin/<target>, which runs ctl deploy (changes only what is missing)')
    .argument('[target]', 'the deployment target section (default: the only one; a new one is named deploy)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg');
  for (const spec of FLAG_OPTIONS) command.option(`--${spec.key} <value>`, `new target: ${spec.description}`);
  command.action(async (target: string | undefined, options: Record<string, string>) => {
    const { initBuildout } = await import('../init/init-buildout.ts');
    const given = new Map(FLAG_OPTIONS.filter((spec) => options[camelCase(spec.key)] !== undefined).map((spec) => [spec.key, options[camelCase(spec.key)]!]));
    const report = await initBuildout({ configFile: resolve(options.config!), targetName: target, targetOptions: given });
    const write = (text: string) => void process.stdout.write(text);
    if (report.changes.length === 0) {
      write(`Nothing to change: [${report.target}] is in parts and bin/buildout finds its recipe offline.\n`);
      return;
    }
    for (const change of report.changes) write(`${change}\n`);
    write(`Now run bin/buildout: it installs bin/${report.target}; then bin/${report.target} deploys.\n`);
  });
}
