/**
 * The audit log: who (controller key id, network peer) did what on this host, when, and with
 * what outcome, refusals included. Append-only and fsync'd, like the journal.
 */
import { appendJsonLine, readLastJsonLines } from "./json-lines-file.ts";

/** "started": written before an action that runs for long or may not end cleanly (exec), its outcome follows */
export type AuditOutcome = "started" | "ok" | "refused" | "failed";

export interface AuditRecord {
  /** ISO time */
  time: string;
  /** the controller key id, or e.g. "host:root" for a command run on the host */
  keyId: string;
  /** the network peer, or "local" */
  peer: string;
  /** e.g. Deploy, Rollback, UploadBlob */
  action: string;
  outcome: AuditOutcome;
  /** the tag, the reason for a refusal, the error */
  detail: string;
}

export type NewAuditRecord = Omit<AuditRecord, "time"> & { time?: string };

/** Appends one record and returns once it is on disk; `time` defaults to now. */
export function appendAudit(file: string, record: NewAuditRecord): AuditRecord {
  const written: AuditRecord = { ...record, time: record.time ?? new Date().toISOString() };
  appendJsonLine(file, written);
  return written;
}

/** The last `limit` records, oldest first. */
export function readAudit(file: string, limit: number): AuditRecord[] {
  // Only appendAudit writes this file, and torn lines are already skipped: the records are as written.
  return readLastJsonLines(file, limit) as unknown as AuditRecord[];
}
