import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadTargetConfig } from '../release/release-inputs.ts';
import { planTargetRelease, releaseTarget } from '../release/release-pipeline.ts';
import { planJson, planSummary, releaseJson, releaseSummary } from './release-report.ts';
import { targetOptionsTable } from '../target/options-table.ts';

interface ReleaseOptions {
  config: string;
  json?: boolean;
}

export function registerReleaseCommands(program: Command): void {
  program
    .command('plan')
    .description('show what a release would contain: changed develop eggs, their new versions, every pin (changes nothing)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (target: string | undefined, options: ReleaseOptions) => {
      const { plan } = await planTargetRelease(loadTargetConfig(resolve(options.config), target, 'plan'));
      process.stdout.write(options.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planSummary(plan));
    });

  program
    .command('release')
    .description('release changed develop eggs as zipped eggs, pin every egg in versions.cfg and pack the production buildout')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (target: string | undefined, options: ReleaseOptions) => {
      const { plan, result } = await releaseTarget(loadTargetConfig(resolve(options.config), target, 'release'));
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(options.json ? JSON.stringify(releaseJson(result), null, 2) + '\n' : releaseSummary(plan, result));
    });

  program
    .command('options')
    .description('every option a deployment target section accepts, with its default (Markdown)')
    .action(() => void process.stdout.write(targetOptionsTable()));
}
