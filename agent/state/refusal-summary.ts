/**
 * Refused requests, collapsed for the audit log: the first refusal of a kind (key, peer
 * address, action, reason) is written at once; repeats within the interval are counted and
 * written as one summary line when it ends. A flood of 140 refusals a second then costs a
 * few lines a minute, and every refusal is still accounted for.
 */
import type { AuditRecord, NewAuditRecord } from "./audit-log.ts";

export const REFUSAL_SUMMARY_INTERVAL_MS = 60_000;

interface Pending {
  record: NewAuditRecord;
  /** refusals of this kind since the last line written */
  repeats: number;
  since: number;
}

export class RefusalSummaries {
  private readonly pending = new Map<string, Pending>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly write: (record: NewAuditRecord) => void,
    private readonly intervalMs = REFUSAL_SUMMARY_INTERVAL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.timer = setInterval(() => this.flush(), Math.max(1000, intervalMs / 4));
    this.timer.unref();
  }

  /** Writes the refusal, or counts it when one of its kind was written within the interval. */
  refused(record: Omit<AuditRecord, "time" | "outcome" | "count">): void {
    const kind = [record.keyId, peerAddress(record.peer), record.action, reasonOf(record.detail)].join("\n");
    const seen = this.pending.get(kind);
    if (seen && this.now() - seen.since < this.intervalMs) {
      seen.repeats++;
      seen.record = { ...record, outcome: "refused" };
      return;
    }
    if (seen) this.writeSummary(seen);
    this.write({ ...record, outcome: "refused" });
    this.pending.set(kind, { record: { ...record, outcome: "refused" }, repeats: 0, since: this.now() });
  }

  /** Writes the summaries of intervals that ended (all of them with `all`, e.g. at shutdown). */
  flush(all = false): void {
    for (const [kind, entry] of this.pending) {
      if (!all && this.now() - entry.since < this.intervalMs) continue;
      this.writeSummary(entry);
      this.pending.delete(kind);
    }
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
