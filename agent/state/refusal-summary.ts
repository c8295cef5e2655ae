/**
 * Refused requests, collapsed for the audit log: the first refusal of a kind (peer address,
 * action, reason: what a stranger cannot choose freely; not the key id it claims, which it
 * can make up anew for every call) is written at once; repeats within the interval are
 * counted and written as one summary line when it ends. A flood of 140 refusals a second
 * then costs a few lines a minute, and every refusal is still accounted for: the counts
 * are kept in a small state file as they grow, so an agent killed with -9 writes them when
 * it starts again.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { AuditRecord, NewAuditRecord } from "./audit-log.ts";

export const REFUSAL_SUMMARY_INTERVAL_MS = 60_000;
/** Kinds followed at once; past it, refusals of new kinds are counted together (a stranger with many addresses). */
const MAX_PENDING_KINDS = 200;
const OTHER_KINDS = "(other kinds)";

interface Pending {
  record: NewAuditRecord;
  /** refusals of this kind since the last line written */
  repeats: number;
  since: number;
}

export class RefusalSummaries {
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;

  /** `stateFile`: where the counts not written yet are kept (see above); none: in memory only. */
  constructor(
    private readonly write: (record: NewAuditRecord) => void,
    private readonly intervalMs = REFUSAL_SUMMARY_INTERVAL_MS,
    private readonly now: () => number = Date.now,
    private readonly stateFile?: string,
  ) {
    this.timer = setInterval(() => this.flush(), Math.max(1000, intervalMs / 4));
    this.timer.unref();
  }

  /** Writes the refusal, or counts it when one of its kind was written within the interval. */
  refused(record: Omit<AuditRecord, "time" | "outcome" | "count">): void {
    let kind = [peerAddress(record.peer), record.action, reasonOf(record.detail)].join("\n");
    if (!this.pending.has(kind) && this.pending.size >= MAX_PENDING_KINDS) kind = OTHER_KINDS;
    const seen = this.pending.get(kind);
    if (seen && this.now() - seen.since < this.intervalMs) {
      seen.repeats++;
      seen.record = { ...record, outcome: "refused" };
      this.save();
      return;
    }
    if (seen) this.writeSummary(seen);
    this.write({ ...record, outcome: "refused" });
    this.pending.set(kind, { record: { ...record, outcome: "refused" }, repeats: 0, since: this.now() });
    this.save();
  }

  /** Writes the summaries of intervals that ended (all of them with `all`, e.g. at shutdown). */
  flush(all = false): void {
    let changed = false;
    for (const [kind, entry] of this.pending) {
      if (!all && this.now() - entry.since < this.intervalMs) continue;
      this.writeSummary(entry);
      this.pending.delete(kind);
      changed = true;
    }
    if (changed) this.save();
  }

  /**
   * The counts as they are now, for a restart after kill -9 (written, not synced: what a
   * killed process wrote is in the page cache; only a power loss would lose the last ones).
   */
  private save(): void {
    if (!this.stateFile) return;
    const waiting = [...this.pending.values()].filter((entry) => entry.repeats > 0);
    if (waiting.length === 0) {
      rmSync(this.stateFile, { force: true });
      return;
    }
    writeFileSync(`${this.stateFile}.tmp`, JSON.stringify(waiting));
    renameSync(`${this.stateFile}.tmp`, this.stateFile);
  }

  /** What an agent that was killed had counted and not written: written now, said so. The serving agent calls it as it starts. */
  writeLeftOver(): void {
    if (!this.stateFile || !existsSync(this.stateFile)) return;
    try {
      for (const entry of JSON.parse(readFileSync(this.stateFile, "utf8")) as Pending[]) {
        if (!(entry.repeats > 0) || !entry.record) continue;
        this.write({ ...entry.record, detail: `${entry.record.detail} (and ${entry.repeats} more like it, counted before the agent stopped)`, count: entry.repeats });
      }
    } catch {
      // a state file torn by a power loss: its counts are lost, nothing else
    }
    rmSync(this.stateFile, { force: true });
  }

  close(): void {
    clearInterval(this.timer);
    this.flush(true);
  }

  private writeSummary(entry: Pending): void {
    if (entry.repeats === 0) return;
    const seconds = Math.round((this.now() - entry.since) / 1000);
    this.write({ ...entry.record, detail: `${entry.record.detail} (and ${entry.repeats} more like it in ${seconds} s)`, count: entry.repeats });
    entry.repeats = 0;
  }
}

/** "ipv4:10.0.0.7:51234" → "ipv4:10.0.0.7": every new connection has a new port. */
function peerAddress(peer: string): string {
  return peer.replace(/:\d+$/, "");
}

/** The reason without what changes from one request to the next (nonces, timestamps, durations). */
function reasonOf(detail: string): string {
  return detail.replace(/[0-9a-f]{16,}/g, "#").replace(/\d+/g, "#");
}
