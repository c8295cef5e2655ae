import type { DryRunReport } from '../deploy/dry-run-deploy.ts';
import { describeMaintenanceLock } from '../../shared/maintenance-lock-message.ts';
import { visibleText } from '../../shared/text/visible-text.ts';
import { plural } from '../../shared/text/plural.ts';

/** `ctl deploy --dry-run` for people: what would be sent, which phases would run, what stands in the way. */
export function dryRunSummary(report: DryRunReport): string {
  const lines = [`Dry run for target ${report.target} on ${report.host}: nothing is built, sent or changed.`];
  if (!report.paired) lines.push('No agent is paired with this host: a deploy would first log in over SSH and install one (ctl bootstrap).');
  if (report.released.length) lines.push(`Would release ${report.released.join(', ')}.`);
  if (report.already) {
    lines.push(`Already at this release (version ${report.version}, ${report.tag}): nothing would be sent, stopped or restarted (--force redeploys).`);
    return lines.join('\n') + '\n';
  }
  const { files, bytes, filesToBuild, sourceBytesToBuild } = report.send;
  if (files.length === 0) lines.push('Would send nothing: the host has every file.');
  else {
    const built = filesToBuild ? `, and ${plural(filesToBuild, 'egg')} built first from ${plural(sourceBytesToBuild, 'byte')} of source` : '';
    lines.push(`Would send ${plural(files.length - filesToBuild, 'file')}, ${plural(bytes, 'byte')}${built}:`);
    const width = Math.max(...files.map((f) => f.filename.length));
    for (const f of files) lines.push(`  ${f.filename.padEnd(width)}  ${f.toBuild ? `to be built (${plural(f.bytes, 'byte')} of source)` : plural(f.bytes, 'byte')}`);
  }
  const rolls = report.phases.includes('roll');
  const replacing = report.stops === undefined ? ' (nothing is live: nothing to stop)' : rolls ? `, restarting the instances of version ${report.stops} one at a time` : `, stopping version ${report.stops}`;
  lines.push(`Would deploy release ${report.tag} as version ${report.version}${replacing}.`);
  lines.push(`Phases: ${report.phases.join(' → ')}`);
  if (report.lock) lines.push(`The host is locked by ${report.lock.holder} since ${report.lock.since} (${report.lock.tag}): a deploy now would be refused.`);
  if (report.maintenance) lines.push(`The host is locked for maintenance ${describeMaintenanceLock(report.maintenance)}: a deploy now would be refused (ctl unlock once the work is over).`);
  // a lock's holder and message are someone else's words
  return visibleText(lines.join('\n')) + '\n';
}

/**
 * The last line of a fleet's dry run: what would leave this machine in all. With the relay
 * each file needed by some host is sent once (the others fetch it from hosts that hold it);
 * without it, once per host that lacks it.
 */
export function fleetSendSummary(reports: readonly DryRunReport[], relay: boolean): string {
  const needing = reports.filter((r) => !r.already && r.send.files.length > 0);
  if (needing.length === 0) return 'In all: nothing would be sent.\n';
  const perHost = needing.reduce((sum, r) => sum + r.send.bytes, 0);
  const once = new Map<string, number>();
  for (const report of needing) for (const f of report.send.files) if (!f.toBuild) once.set(f.filename, f.bytes);
  const onceBytes = [...once.values()].reduce((sum, b) => sum + b, 0);
  const built = needing.some((r) => r.send.filesToBuild > 0) ? ' (eggs still to be built not counted)' : '';
  return relay && needing.length > 1
    ? `In all: ${plural(onceBytes, 'byte')} would leave here once${built}; ${plural(needing.length - 1, 'host')} would fetch ${needing.length === 2 ? 'it' : 'them'} from other hosts (relay = hosts; ${plural(perHost, 'byte')} with relay = off).\n`
    : `In all: ${plural(perHost, 'byte')} would leave here${built}, to ${plural(needing.length, 'host')}${relay ? '' : ' (relay = off)'}.\n`;
}
