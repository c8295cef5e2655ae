/**
 * The deploy journal: one fsync'd line per phase transition, so an agent killed at any point
 * (kill -9, power loss) reads on restart where it was, and finishes the rollback or the commit.
 */
import { StateError } from "../../shared/errors.ts";
import { appendJsonLine, readJsonLines, readLastJsonLines } from "./json-lines-file.ts";

import { DEPLOY_PHASES, type DeployPhase } from "../../shared/deploy-phases.ts";
export { DEPLOY_PHASES, type DeployPhase } from "../../shared/deploy-phases.ts";

/** Not a phase but the end of a deploy given up before `stop`: its staged release is dropped, production never noticed. */
export const ABORTED = "aborted";
/** Not a phase but the end of a deploy asked only to build (a rollout across hosts): the release stays, built, not live. */
export const PREPARED = "prepared";
export type JournalPhase = DeployPhase | typeof ABORTED | typeof PREPARED;

export const PHASE_STATES = ["started", "done", "failed"] as const;
export type PhaseState = (typeof PHASE_STATES)[number];

export interface JournalEntry {
  /** one deploy (or rollback) from start to end */
  deployId: string;
  tag: string;
  phase: JournalPhase;
  state: PhaseState;
  /** ISO time */
  time: string;
  /** the tag `current` pointed at before this deploy: where a rollback goes */
  previous?: string;
  /** the deployment version (0.1, 0.2, …); entries written before versions had a whole `number`, read as this */
  version?: string;
  /** what failed, or what was done */
  message?: string;
  /** phase roll: the instance (its control script) this entry is about; absent on the phase's own entries */
  instance?: string;
  /** who asked for the deploy or rollback (its first entry): "ana@laptop (9a6d…)" */
  by?: string;
}

export type NewJournalEntry = Omit<JournalEntry, "time"> & { time?: string };

/** Appends one entry and returns once it is on disk; `time` defaults to now. */
export function appendJournal(file: string, entry: NewJournalEntry): JournalEntry {
  const written: JournalEntry = { ...entry, time: entry.time ?? new Date().toISOString() };
  appendJsonLine(file, written);
  return written;
}

/** The last `limit` entries, oldest first: enough for the latest deploy, without reading the whole journal. */
export function readJournalTail(file: string, limit: number): JournalEntry[] {
  return readLastJsonLines(file, limit).map((value, index) => checkEntry(value, index, file));
}

/** Every entry, oldest first; a last line torn by a power loss is ignored. */
export function readJournal(file: string): JournalEntry[] {
  return readJsonLines(file).map((value, index) => checkEntry(value, index, file));
}

export interface UnfinishedDeploy {
  deployId: string;
  tag: string;
  /** this deploy's entries, oldest first */
  entries: JournalEntry[];
  /** the last thing it journaled: where it stopped */
  last: JournalEntry;
}

/**
 * The most recent deploy that neither committed, rolled back nor aborted: what a restarted
 * agent must finish. Undefined when every deploy in the journal reached an end.
 */
export function lastUnfinishedDeploy(entries: readonly JournalEntry[]): UnfinishedDeploy | undefined {
  const seen = new Set<string>();
  for (const { deployId } of [...entries].reverse()) {
    if (seen.has(deployId)) continue;
    seen.add(deployId);
    const own = entries.filter((entry) => entry.deployId === deployId);
    if (!own.some(endsDeploy)) {
      const last = own.at(-1)!;
      return { deployId, tag: last.tag, entries: own, last };
    }
  }
  return undefined;
}

function endsDeploy(entry: JournalEntry): boolean {
  if (entry.phase === ABORTED || entry.phase === PREPARED) return true;
  return (entry.phase === "commit" || entry.phase === "rollback") && entry.state === "done";
}

const JOURNAL_PHASES: readonly string[] = [...DEPLOY_PHASES, ABORTED, PREPARED];

// A line that parses but is not an entry was not written by us: refusing beats recovering from a guess.
function checkEntry(value: Record<string, unknown>, index: number, file: string): JournalEntry {
  const { deployId, tag, phase, state, time } = value;
  const valid =
    typeof deployId === "string" &&
    typeof tag === "string" &&
    typeof phase === "string" &&
    JOURNAL_PHASES.includes(phase) &&
    typeof state === "string" &&
    (PHASE_STATES as readonly string[]).includes(state) &&
    typeof time === "string";
  if (!valid) {
    throw new StateError(`journal entry ${index + 1} is not a deploy phase record: ${JSON.stringify(value)}`, {
      where: file,
      hint: "the journal is written only by hostout-agent; restore it from a backup or move it aside to start a new one",
    });
  }
  const { number, ...entry } = value;
  return (typeof entry.version !== "string" && Number.isInteger(number) ? { ...entry, version: String(number) } : entry) as unknown as JournalEntry;
}
