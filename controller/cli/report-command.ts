import type { Command } from 'commander';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../shared/errors.ts';
import { commandHosts, hostsFailed, onCommandHosts } from './each-host.ts';
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
    .description('write an HTML page of the hosts\' recent deploys: phases on a timeline, downtime, failures, rollbacks, bytes sent (every host of the target on one page)')
    .argument('[target]', 'deployment target section (optional when the buildout has one)')
    .option('-c, --config <file>', 'the development buildout config', 'buildout.cfg')
    .requiredOption('-o, --output <file.html>', 'where to write the page')
    .option('-n, --limit <n>', 'deploys and rollbacks to show (the newest)', positiveWholeNumber, 20)
    .option('--json', 'also print the deploys as one JSON object')
    .option('--hosts <list>', 'on a target with several hosts: only these (comma-separated HOST or HOST:PORT); default all, on one page')
    .action(async (target: string | undefined, options: { config: string; output: string; limit: number; json?: boolean; hosts?: string }) => {
      const file = resolve(options.output);
      // the page is written where asked, never into a folder made up on the way
      if (!statSync(dirname(file), { throwIfNoEntry: false })?.isDirectory()) {
        throw new UsageError(`cannot write ${file}: there is no directory ${dirname(file)}`, { hint: `create it first (mkdir -p ${dirname(file)}), or name another -o path` });
      }
      const { target: loaded, hosts } = commandHosts(options.config, target, 'report', options.hosts);
      const outcomes = await onCommandHosts(loaded, hosts, (connection) => connection.unary<RecentDeploys>('RecentDeploys', { limit: options.limit }));
      const pages: HostDeploys[] = outcomes.flatMap((o) => (o.ok ? [{ name: hosts.length === 1 ? `${loaded.name} (${o.label})` : o.label, hostname: o.value.hostname, deploys: o.value.deploys }] : []));
      const failed = hostsFailed(outcomes, 'did not answer, so the page leaves them out');
      // nothing to draw when no host answered: the error says why
      if (pages.length === 0 && failed) throw failed;
      writeFileAtomic(file, deployReportHtml({ title: `Deploys of ${loaded.name}`, generated: new Date().toISOString(), hosts: pages }));
      if (options.json) process.stdout.write(JSON.stringify({ file, hosts: pages }, null, 2) + '\n');
      else {
        const deploys = pages.reduce((sum, page) => sum + page.deploys.length, 0);
        process.stdout.write(`Wrote ${file}: ${plural(deploys, 'deploy')} of ${pages.length === 1 ? pages[0]!.name : `${pages.length} hosts`}\n`);
      }
      if (failed) throw failed;
    });
}
