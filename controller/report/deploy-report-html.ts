import type { DeployRecord } from '../../shared/deploy/deploy-record.ts';
import type { PhaseTiming } from '../../shared/deploy/phase-timing.ts';
import { formatBytes, formatDuration } from '../../shared/text/human-units.ts';
import { plural } from '../../shared/text/plural.ts';

/** One host's recent deploys, as its agent reported them, or why it could not be asked. */
export interface HostDeploys {
  /** how the operator names the host: the target and its address */
  name: string;
  hostname?: string;
  deploys: DeployRecord[];
  error?: string;
}

export interface DeployReportPage {
  title: string;
  /** ISO time the page was made */
  generated: string;
  hosts: HostDeploys[];
}

// Colours that stay apart for the usual eye and in greyscale; failures and downtime are red and nothing else is.
const PHASE_COLOURS: Record<string, string> = {
  verify: '#94a3b8',
  stage: '#7dd3fc',
  build: '#3b82f6',
  prebackup: '#c4b5fd',
  stop: '#f59e0b',
  backup: '#a78bfa',
  switch: '#14b8a6',
  migrate: '#ec4899',
  start: '#22c55e',
  roll: '#0891b2',
  health: '#84cc16',
  commit: '#475569',
  prune: '#cbd5e1',
  rollback: '#f97316',
};
const PHASE_ORDER = Object.keys(PHASE_COLOURS);

const OUTCOME_LABELS: Record<DeployRecord['outcome'], string> = {
  deployed: 'deployed',
  'rolled-back': 'failed, rolled back',
  failed: 'failed before stop',
  done: 'rolled back',
  unfinished: 'unfinished',
};

const TIMELINE = { width: 620, lane: 22, rollbackLane: 8, top: 6, axis: 16 };

/**
 * `ctl report`: one self-contained HTML page (inline CSS and SVG, system fonts,
 * no script, nothing fetched) with each host's recent deploys on timelines. Pure.
 */
export function deployReportHtml(page: DeployReportPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(page.title)}</h1>
<p class="generated">Made by <code>ctl report</code> at ${escapeHtml(readableTime(page.generated))}. Newest first; each bar runs from the deploy's first phase to its last, on one scale per host.</p>
${legend()}
</header>
${page.hosts.map(hostSection).join('\n')}
</body>
</html>
`;
}

function hostSection(host: HostDeploys): string {
  const heading = `<h2>${escapeHtml(host.name)}${host.hostname ? ` <span class="hostname">${escapeHtml(host.hostname)}</span>` : ''}</h2>`;
  if (host.error) return `<section class="host" data-host="${escapeHtml(host.name)}">${heading}<p class="host-error">Could not ask this host: ${escapeHtml(host.error)}</p></section>`;
  if (host.deploys.length === 0) return `<section class="host" data-host="${escapeHtml(host.name)}">${heading}<p class="empty">No deploys recorded yet.</p></section>`;
  const scaleMs = timelineScaleMs(host.deploys.map((d) => d.durationMs));
  const counts = countOutcomes(host.deploys);
  return `<section class="host" data-host="${escapeHtml(host.name)}">
${heading}
<p class="host-summary">${escapeHtml(counts)}</p>
<table class="deploys">
<tbody>
${[...host.deploys].reverse().map((d) => deployRow(d, scaleMs)).join('\n')}
</tbody>
</table>
</section>`;
}

/**
 * What a host reports is data, not markup: a host that lies (a compromised one keeping its TLS
 * key) can send anything. Values that become class names or attributes are mapped through
 * the fixed sets the page knows; every other value is escaped where it is written.
 */
const KNOWN_OUTCOMES = Object.keys(OUTCOME_LABELS) as DeployRecord['outcome'][];
const KNOWN_KINDS = ['deploy', 'rollback'] as const;
const KNOWN_PHASE_OUTCOMES = ['done', 'failed', 'unfinished'] as const;

function oneOf<T extends string>(value: unknown, known: readonly T[]): T | 'unknown' {
  return known.includes(value as T) ? (value as T) : 'unknown';
}

function deployRow(deploy: DeployRecord, scaleMs: number): string {
  const outcome = oneOf(deploy.outcome, KNOWN_OUTCOMES);
  const kind = oneOf(deploy.kind, KNOWN_KINDS);
  const title = kind === 'rollback' ? `Rollback to version ${deploy.version}` : `Version ${deploy.version}`;
  const facts = [
    readableTime(deploy.started),
    formatDuration(deploy.durationMs),
    deploy.kind === 'deploy' ? `${formatBytes(deploy.bytesReceived)} sent` : '',
    deploy.wentDown && deploy.outcome !== 'unfinished' ? `down ${formatDuration(deploy.downtimeMs)}` : deploy.wentDown ? '' : 'no downtime',
    deploy.by ? `by ${deploy.by}` : '',
    deploy.source ? `from ${deploy.source}` : '',
  ].filter(Boolean);
  return `<tr class="deploy" data-outcome="${outcome}" data-kind="${kind}">
<td class="what">
<div class="title">${escapeHtml(title)} <span class="badge ${outcome}">${outcome === 'unknown' ? 'unknown outcome' : OUTCOME_LABELS[outcome]}</span></div>
<div class="tag">${escapeHtml(deploy.tag)}</div>
<div class="facts">${facts.map(escapeHtml).join(' · ')}</div>
${deploy.failure ? `<div class="failure">${failureSummary(deploy.failure).map(escapeHtml).join('<br>')}</div>` : ''}
</td>
<td class="timeline">${timelineSvg(deploy, scaleMs)}</td>
</tr>`;
}

/** The phases side by side, the rollback in a lane below, the downtime as a red band over both. */
function timelineSvg(deploy: DeployRecord, scaleMs: number): string {
  const x = (ms: number) => (ms / scaleMs) * TIMELINE.width;
  const w = (ms: number) => Math.max(x(ms), 2);
  const { lane, rollbackLane, top, axis } = TIMELINE;
  const height = top + lane + 4 + rollbackLane + axis;
  const main = deploy.phases.filter((p) => p.phase !== 'rollback');
  const rollbacks = deploy.phases.filter((p) => p.phase === 'rollback');
  const stop = deploy.phases.find((p) => p.phase === 'stop');
  const parts: string[] = [];
  if (stop && deploy.wentDown) {
    const downMs = deploy.outcome === 'unfinished' ? deploy.durationMs - stop.startMs : deploy.downtimeMs;
    parts.push(`<rect class="downtime" x="${x(stop.startMs).toFixed(1)}" y="1" width="${w(downMs).toFixed(1)}" height="${top + lane + 4 + rollbackLane}" rx="2"><title>down ${formatDuration(downMs)} (stop to healthy)</title></rect>`);
  }
  for (const p of main) parts.push(phaseRect(p, x(p.startMs), w(p.durationMs), top, lane));
  for (const p of rollbacks) parts.push(phaseRect(p, x(p.startMs), w(p.durationMs), top + lane + 4, rollbackLane));
  const labelY = height - 3;
  parts.push(`<line class="axis" x1="0" x2="${TIMELINE.width}" y1="${height - axis + 2}" y2="${height - axis + 2}"/>`);
  const cut = deploy.durationMs > scaleMs;
  if (cut) parts.push(`<path class="cut" d="M${TIMELINE.width - 6} 1 l6 ${(top + lane) / 4} l-6 ${(top + lane) / 4} l6 ${(top + lane) / 4} l-6 ${(top + lane) / 4}"/>`);
  parts.push(`<text class="tick${cut ? ' cut-label' : ''}" x="${TIMELINE.width}" y="${labelY}" text-anchor="end">${cut ? `cut at ${formatDuration(scaleMs)}: ${formatDuration(deploy.durationMs)} in all` : formatDuration(scaleMs)}</text>`);
  if (stop && deploy.wentDown && deploy.outcome !== 'unfinished') {
    parts.push(`<text class="downtime-label" x="${Math.min(x(stop.startMs), TIMELINE.width - 120).toFixed(1)}" y="${labelY}">down ${formatDuration(deploy.downtimeMs)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${TIMELINE.width}" height="${height}" viewBox="0 0 ${TIMELINE.width} ${height}" role="img" aria-label="${escapeHtml(ariaLabel(deploy))}">${parts.join('')}</svg>`;
}

function phaseRect(p: PhaseTiming, x: number, width: number, y: number, height: number): string {
  const outcome = oneOf(p.outcome, KNOWN_PHASE_OUTCOMES);
  const failed = outcome === 'failed';
  const fill = failed ? '#dc2626' : PHASE_COLOURS[p.phase] ?? '#9ca3af';
  const tip = `${p.phase}: ${formatDuration(p.durationMs)}${outcome === 'done' ? '' : `, ${outcome}`}${p.message ? ` (${firstLine(p.message)})` : ''}`;
  const label = width > p.phase.length * 7 + 6 && height >= 16 ? `<text class="phase-label" x="${(x + width / 2).toFixed(1)}" y="${y + height / 2 + 4}" text-anchor="middle">${escapeHtml(p.phase)}</text>` : '';
  return `<g class="phase ${outcome}" data-phase="${escapeHtml(p.phase)}"><rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${height}" fill="${fill}" rx="2"/>${failed ? `<text class="failed-mark" x="${(x + width / 2).toFixed(1)}" y="${y + height / 2 + 5}" text-anchor="middle">✕</text>` : label}<title>${escapeHtml(tip)}</title></g>`;
}

function legend(): string {
  const swatches = PHASE_ORDER.map((phase) => `<span class="swatch"><i style="background:${PHASE_COLOURS[phase]}"></i>${phase}</span>`);
  swatches.push('<span class="swatch"><i class="failed-swatch"></i>failed phase</span>', '<span class="swatch"><i class="downtime-swatch"></i>downtime (stop to healthy)</span>');
  return `<p class="legend">${swatches.join('')}</p>`;
}

function countOutcomes(deploys: readonly DeployRecord[]): string {
  const of = (outcome: DeployRecord['outcome']) => deploys.filter((d) => d.outcome === outcome).length;
  const parts = [
    plural(of('deployed'), 'deploy'),
    of('rolled-back') + of('failed') ? `${of('rolled-back') + of('failed')} failed` : '',
    of('done') ? plural(of('done'), 'rollback') : '',
    of('unfinished') ? `${of('unfinished')} unfinished` : '',
  ].filter(Boolean);
  const sent = deploys.reduce((sum, d) => sum + d.bytesReceived, 0);
  // what is counted, so that it reads against `ctl history` (which lists every call, those that changed nothing too)
  return `The last ${plural(deploys.length, 'deploy or rollback', 'deploys and rollbacks')} that went as far as the host's journal: ${parts.join(', ')}; ${formatBytes(sent)} sent in all. (\`ctl history\` also lists calls that changed nothing, such as "already at version", and refusals.)`;
}

function ariaLabel(deploy: DeployRecord): string {
  return deploy.phases.map((p) => `${p.phase} ${formatDuration(p.durationMs)}${p.outcome === 'done' ? '' : ` ${p.outcome}`}`).join(', ');
}

function readableTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

function firstLine(text: string): string {
  return text.split('\n')[0]!;
}

/**
 * One scale for a host's timelines that keeps the usual deploys readable: the longest of those
 * within 4× the median. A deploy longer than that (one 32 s failure among 2 s deploys) is cut
 * at the edge and says its length, instead of squeezing every other bar into a sliver. Pure.
 */
export function timelineScaleMs(durationsMs: readonly number[]): number {
  if (durationsMs.length === 0) return 1;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return Math.max(...sorted.filter((d) => d <= median * 4), median, 1);
}

/**
 * A failure as the report shows it: its first line, and when that only announces what follows
 * ("buildout failed (exit 1):"), the lines that say why (at most 4, each cut at 200 characters).
 */
export function failureSummary(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const [first = '', ...rest] = lines;
  const cut = (line: string) => (line.length > 200 ? `${line.slice(0, 199)}…` : line);
  if (!first.endsWith(':') || rest.length === 0) return [cut(first)];
  // the cause is usually last: buildout's "While:" and "Error:" lines end its output
  const telling = rest.filter((line) => !/^hint:/.test(line));
  return [cut(first), ...telling.slice(-4).map(cut)];
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #0f172a; background: #f8fafc; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 2px; }
.hostname { font-weight: 400; color: #64748b; font-size: 14px; }
.generated, .host-summary, .empty { color: #475569; margin: 0 0 10px; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 8px 0 18px; font-size: 12px; color: #334155; }
.swatch { display: inline-flex; align-items: center; gap: 5px; }
.swatch i { display: inline-block; width: 14px; height: 12px; border-radius: 2px; }
.failed-swatch { background: #dc2626; }
.downtime-swatch { background: rgba(220, 38, 38, .14); outline: 1.5px solid #dc2626; }
.host { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 16px 18px; margin: 0 0 18px; box-shadow: 0 1px 2px rgba(15, 23, 42, .05); }
.host-error { color: #b91c1c; }
table.deploys { border-collapse: collapse; width: 100%; }
.deploys td { border-top: 1px solid #f1f5f9; padding: 10px 8px; vertical-align: middle; }
td.what { width: 340px; }
.title { font-weight: 600; }
.tag { font: 12px ui-monospace, "DejaVu Sans Mono", monospace; color: #64748b; }
.facts { color: #334155; font-size: 13px; }
.cut { fill: none; stroke: #64748b; stroke-width: 1.5; }
.cut-label { fill: #334155; font-weight: 600; }
.failure { color: #b91c1c; font-size: 12.5px; margin-top: 2px; max-width: 330px; overflow-wrap: anywhere; }
.badge { display: inline-block; font-size: 11.5px; font-weight: 600; padding: 1px 7px; border-radius: 10px; margin-left: 4px; vertical-align: 1px; }
.badge.deployed { background: #dcfce7; color: #166534; }
.badge.rolled-back, .badge.failed { background: #fee2e2; color: #991b1b; }
.badge.done { background: #ffedd5; color: #9a3412; }
.badge.unfinished { background: #fef9c3; color: #854d0e; }
tr[data-outcome="rolled-back"] td.what, tr[data-outcome="failed"] td.what { border-left: 3px solid #dc2626; }
tr[data-kind="rollback"] td.what { border-left: 3px solid #f97316; }
svg { display: block; overflow: visible; }
.downtime { fill: rgba(220, 38, 38, .14); stroke: #dc2626; stroke-width: 1.5; }
.phase-label { font-size: 11px; fill: #0f172a; font-family: system-ui, "DejaVu Sans", sans-serif; }
.failed-mark { font-size: 14px; font-weight: 700; fill: #fff; }
.axis { stroke: #cbd5e1; }
.tick, .downtime-label { font-size: 11px; fill: #64748b; font-family: system-ui, "DejaVu Sans", sans-serif; }
.downtime-label { fill: #b91c1c; font-weight: 600; }
`;
