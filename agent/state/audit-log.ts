/**
 * The audit log: who (controller key id, network peer) did what on this host, when, and with
 * what outcome, refusals included. Append-only and fsync'd, like the journal; rotated by size
 * (audit, audit.1 … audit.N) so that a flood of requests cannot fill the disk.
 */
import { existsSync, renameSync, statSync } from "node:fs";
import { appendJsonLine, readLastJsonLines } from "./json-lines-file.ts";

/** "started": written before an action that runs for long or may not end cleanly (exec), its outcome follows */
export type AuditOutcome = "started" | "ok" | "refused" | "failed";

export interface AuditRecord {
  /** ISO time */
  time: string;
  /** the controller key id, or e.g. "host:root" for a command run on the host */
  keyId: string;
  /** the key's name in authorized_keys when it acted (e.g. ana@laptop) */
  keyName?: string;
  /** the network peer, or "local" */
  peer: string;
  /** e.g. Deploy, Rollback, UploadBlob */
  action: string;
  outcome: AuditOutcome;
  /** the tag, the reason for a refusal, the error */
  detail: string;
  /** for a summary of repeated refusals: how many it stands for */
  count?: number;
}

export type NewAuditRecord = Omit<AuditRecord, "time"> & { time?: string };

export interface AuditRotation {
  /** the current file is rotated once it reaches this size */
  maxBytes: number;
  /** rotated files kept beside it */
  keep: number;
}

export const DEFAULT_AUDIT_ROTATION: AuditRotation = { maxBytes: 8 * 1024 * 1024, keep: 4 };

/** Appends one record and returns once it is on disk; `time` defaults to now. */
export function appendAudit(file: string, record: NewAuditRecord, rotation: AuditRotation = DEFAULT_AUDIT_ROTATION): AuditRecord {
  const written: AuditRecord = { ...record, time: record.time ?? new Date().toISOString() };
  if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) >= rotation.maxBytes) rotate(file, rotation.keep);
  appendJsonLine(file, written);
  return written;
}

/** The last `limit` records, oldest first, reaching into the rotated files when the current one is short. */
export function readAudit(file: string, limit: number): AuditRecord[] {
  // Only appendAudit writes these files, and torn lines are already skipped: the records are as written.
  let records = readLastJsonLines(file, limit) as unknown as AuditRecord[];
  for (let i = 1; records.length < limit && existsSync(`${file}.${i}`); i++) {
    records = [...(readLastJsonLines(`${file}.${i}`, limit - records.length) as unknown as AuditRecord[]), ...records];
  }
  return records;
}

/** audit.N-1 → audit.N, …, audit → audit.1; the oldest beyond `keep` is overwritten. */
function rotate(file: string, keep: number): void {
  for (let i = keep - 1; i >= 1; i--) if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
  renameSync(file, keep >= 1 ? `${file}.1` : file);
}
