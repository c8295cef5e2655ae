import { join } from 'node:path';
import type { AgentLayout } from './agent-layout.ts';
import { appendJsonLine, readJsonLines } from './json-lines-file.ts';

/**
 * Every blob upload the agent completed, with the bytes that travelled (a resumed
 * upload counts only what it sent): how `ctl report` knows what each deploy sent.
 */
export interface UploadRecord {
  /** ISO time the upload finished */
  time: string;
  sha256: string;
  bytes: number;
  /** the host it was fetched from (the blob relay); absent: uploaded by ctl */
  from?: string;
}

function uploadLogFile(layout: AgentLayout): string {
  return join(layout.agentDir, 'uploads');
}

export function recordUpload(layout: AgentLayout, upload: Omit<UploadRecord, 'time'>): void {
  appendJsonLine(uploadLogFile(layout), { time: new Date().toISOString(), ...upload });
}

/** Oldest first; only recordUpload writes the file, torn lines are skipped. */
export function readUploads(layout: AgentLayout): UploadRecord[] {
  return readJsonLines(uploadLogFile(layout)) as unknown as UploadRecord[];
}
