import type { Command } from 'commander';
import { relative, resolve } from 'node:path';
import { loadTargetConfig, stateDirOf } from '../target/load-target.ts';
import { withWorkFolderLock } from '../release/work-folder-lock.ts';
import { planJson, planSummary, releaseJson, releaseSummary } from './release-report.ts';
import { targetOptionsTable } from '../target/options-table.ts';

// the release engine loads only for the commands that release: every other ctl command starts without it
const releasePipeline = () => import('../release/release-pipeline.ts');

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
      const loaded = loadTargetConfig(resolve(options.config), target, 'plan');
      const { planTargetRelease } = await releasePipeline();
      const { plan } = await withWorkFolderLock(stateDirOf(loaded.config), `ctl plan ${loaded.target.name}`, () => planTargetRelease(loaded));
      process.stdout.write(options.json ? JSON.stringify(planJson(plan), null, 2) + '\n' : planSummary(plan));
    });

  program
    .command('release')
    .description('release changed develop eggs as zipped eggs, pin every egg in versions.cfg and pack the production buildout')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print one JSON object instead of a summary')
    .action(async (target: string | undefined, options: ReleaseOptions) => {
      const loaded = loadTargetConfig(resolve(options.config), target, 'release');
      const { releaseTarget } = await releasePipeline();
      const { plan, result } = await withWorkFolderLock(stateDirOf(loaded.config), `ctl release ${loaded.target.name}`, () => releaseTarget(loaded));
      for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
      process.stdout.write(options.json ? JSON.stringify(releaseJson(result), null, 2) + '\n' : releaseSummary(plan, result));
    });

  program
    .command('config')
    .description('the target\'s options as they resolve, each with where its value came from (file:line, default, worked out)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .option('--json', 'print {target, options: [{key, value, origin}]}')
    .action(async (target: string | undefined, options: { config: string; json?: boolean }) => {
      const { resolvedTargetOptions, formatResolvedOptions } = await import('../target/target-provenance.ts');
      const loaded = loadTargetConfig(resolve(options.config), target, 'config');
      const resolved = resolvedTargetOptions(loaded.config, loaded.target);
      if (options.json) return void process.stdout.write(JSON.stringify({ target: loaded.target.name, options: resolved }, null, 2) + '\n');
      process.stdout.write(formatResolvedOptions(loaded.target.name, resolved, (file) => relative(process.cwd(), file) || file));
    });

  program
    .command('options')
    .description('every option a deployment target section accepts, with its default (Markdown)')
    .action(() => void process.stdout.write(targetOptionsTable()));
}
