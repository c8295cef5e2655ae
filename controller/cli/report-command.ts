import type { Command } from 'commander';
import { resolve } from 'node:path';
import { loadTargetConfig } from '../target/load-target.ts';
import { positiveWholeNumber } from '../../shared/cli/option-values.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import type { RecentDeploys } from '../../shared/deploy/deploy-record.ts';
import { deployReportHtml, type HostDeploys } from '../report/deploy-report-html.ts';
import { plural } from '../../shared/text/plural.ts';

/**
 * `ctl report`: the host's recent deploys, asked from its agent (the journal is
 * there, whichever laptop deployed), drawn as one self-contained HTML page.
 */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write an HTML page of the host\'s recent deploys: phases on a timeline, downtime, failures, rollbacks, bytes sent')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .requiredOption('-o, --output <file.html>', 'where to write the page')
    .option('-n, --limit <n>', 'deploys and rollbacks to show (the newest)', positiveWholeNumber, 20)
    .option('--json', 'also print the deploys as one JSON object')
    .action(async (target: string | undefined, options: { config: string; output: string; limit: number; json?: boolean }) => {
      const { withAgent } = await import('../agent-client/with-agent.ts');
      const loaded = loadTargetConfig(resolve(options.config), target, 'report');
      const name = `${loaded.target.name} (${loaded.target.options.get('host')})`;
      const recent = await withAgent(loaded.target, (connection) => connection.unary<RecentDeploys>('RecentDeploys', { limit: options.limit }));
      const hosts: HostDeploys[] = [{ name, hostname: recent.hostname, deploys: recent.deploys }];
      const file = resolve(options.output);
      writeFileAtomic(file, deployReportHtml({ title: `Deploys of ${loaded.target.name}`, generated: new Date().toISOString(), hosts }));
      if (options.json) return void process.stdout.write(JSON.stringify({ file, hosts }, null, 2) + '\n');
      process.stdout.write(`Wrote ${file}: ${plural(recent.deploys.length, 'deploy')} of ${name}\n`);
    });
}
