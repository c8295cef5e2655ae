import type { Command } from 'commander';
import { resolve } from 'node:path';
import { gatherReleaseInputs } from '../release/release-inputs.ts';
import { planRelease } from '../release/release-plan.ts';
import { applyRelease } from '../release/apply-release.ts';
import { planJson, planSummary, releaseJson, releaseSummary } from './release-report.ts';

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
      const inputs = await gatherReleaseInputs(resolve(options.config), target);
      const plan = planRelease({ ...inputs, productionConfigPath: inputs.target.buildoutFile, now: new Date() });
      process.stdout.write(options.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planSummary(plan));
    });

  program
    .command('release')
    .description('release changed develop eggs as zipped eggs, pin every egg in versions.cfg and pack the production buildout')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (target: string | undefined, options: ReleaseOptions) => {
      const inputs = await gatherReleaseInputs(resolve(options.config), target);
      const plan = planRelease({ ...inputs, productionConfigPath: inputs.target.buildoutFile, now: new Date() });
      const result = await applyRelease(inputs, plan);
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(options.json ? JSON.stringify(releaseJson(result), null, 2) + '\n' : releaseSummary(plan, result));
    });
}
