import { hostname } from 'node:os';
import type { Agent } from '../agent.ts';
import { readJournal, readJournalTail, type JournalEntry } from '../state/journal.ts';
import { readUploads, type UploadRecord } from '../state/upload-log.ts';
import { downtimeMs, type PhaseTiming } from '../../shared/deploy/phase-timing.ts';
import type { DeployRecord, RecentDeploys } from '../../shared/deploy/deploy-record.ts';
import { describeSource } from '../../shared/manifest.ts';

/** The newest `limit` deploys and rollbacks on this host, from its journal and upload log. */
export function recentDeploys(agent: Agent, limit: number): RecentDeploys {
  const deploys = deployRecords(readJournal(agent.layout.journalFile), readUploads(agent.layout)).slice(-limit);
  // the code each release came from, as its signed manifest says (releases pruned since: unknown)
  return { hostname: hostname(), deploys: deploys.map((d) => ({ ...d, source: describeSource(agent.manifestOf(d.tag)?.manifest.source) })) };
}

/** How the latest deploy or rollback ended (`ctl status`), from the journal's tail; undefined before the first. */
export function lastDeployRecord(journalFile: string): DeployRecord | undefined {
  const tail = readJournalTail(journalFile, LAST_DEPLOY_LINES);
  const last = tail.at(-1);
  if (!last) return undefined;
  return deployRecord(tail.filter((e) => e.deployId === last.deployId), 0);
}

/** Journal lines read for the last deploy: its phases, rolled instances and rollback fit many times over. */
const LAST_DEPLOY_LINES = 400;

/**
 * One record per deploy id in the journal, oldest first. Bytes received are the
 * uploads finished after the deploy before it began and before it began itself:
 * ctl uploads right before it asks for the deploy.
 */
export function deployRecords(journal: readonly JournalEntry[], uploads: readonly UploadRecord[]): DeployRecord[] {
  const byDeploy = new Map<string, JournalEntry[]>();
  for (const entry of journal) byDeploy.set(entry.deployId, [...(byDeploy.get(entry.deployId) ?? []), entry]);
  let uploadsFrom = Number.NEGATIVE_INFINITY;
  return [...byDeploy.values()].map((entries) => {
    const began = Date.parse(entries[0]!.time);
    const bytesReceived = uploads.filter((u) => Date.parse(u.time) > uploadsFrom && Date.parse(u.time) <= began).reduce((sum, u) => sum + u.bytes, 0);
    uploadsFrom = began;
    return deployRecord(entries, bytesReceived);
  });
}

function deployRecord(entries: readonly JournalEntry[], bytesReceived: number): DeployRecord {
  const first = entries[0]!;
  const phases = phaseTimings(entries);
  const down = downtimeMs(phases);
  const kind = first.phase === 'rollback' ? 'rollback' : 'deploy';
  return {
    deployId: first.deployId,
    kind,
    tag: first.tag,
    version: first.version ?? '',
    previousTag: first.previous ?? '',
    by: first.by ?? '',
    source: '',
    started: first.time,
    durationMs: Date.parse(entries.at(-1)!.time) - Date.parse(first.time),
    outcome: outcomeOf(kind, entries),
    failure: failureOf(entries),
    phases,
    wentDown: phases.some((p) => p.phase === 'stop'),
    downtimeMs: down ?? 0,
    bytesReceived,
  };
}

/** A phase's span from its started line to its done or failed line; one still open at the end is unfinished. */
function phaseTimings(entries: readonly JournalEntry[]): PhaseTiming[] {
  const origin = Date.parse(entries[0]!.time);
  const open = new Map<string, JournalEntry>();
  const spans: PhaseTiming[] = [];
  const span = (start: JournalEntry, endTime: string, outcome: PhaseTiming['outcome'], message?: string): PhaseTiming => ({
    phase: start.phase,
    startMs: Date.parse(start.time) - origin,
    durationMs: Date.parse(endTime) - Date.parse(start.time),
    outcome,
    ...(message ? { message } : {}),
  });
  for (const entry of entries) {
    if (entry.state === 'started') open.set(entry.phase, entry);
    const start = open.get(entry.phase);
    if (entry.state === 'started' || !start) continue; // a line such as "stop done: no release was live" has no span
    open.delete(entry.phase);
    spans.push(span(start, entry.time, entry.state, entry.state === 'failed' ? entry.message : undefined));
  }
  const last = entries.at(-1)!.time;
  for (const start of open.values()) spans.push(span(start, last, 'unfinished'));
  return spans.sort((a, b) => a.startMs - b.startMs);
}

function outcomeOf(kind: DeployRecord['kind'], entries: readonly JournalEntry[]): DeployRecord['outcome'] {
  const ended = (phase: string) => entries.some((e) => e.phase === phase && e.state === 'done');
  if (kind === 'rollback') return ended('rollback') ? 'done' : 'unfinished';
  if (ended('aborted')) return 'failed';
  if (ended('commit')) return 'deployed';
  return ended('rollback') ? 'rolled-back' : 'unfinished';
}

function failureOf(entries: readonly JournalEntry[]): string {
  const failed = entries.find((e) => e.state === 'failed' || e.phase === 'aborted');
  return failed?.message ?? '';
}
