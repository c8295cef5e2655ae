import { statSync } from 'node:fs';
import { blobChunks } from '../../shared/fs/blob-chunks.ts';
import type { AgentConnection } from '../agent-client/agent-client.ts';
import { formatBytes } from '../../shared/text/human-units.ts';

export interface BlobToSend {
  sha256: string;
  path: string;
  what: string;
}

export interface UploadSummary {
  blobs: number;
  bytes: number;
  /** bytes an earlier, interrupted upload had already delivered */
  resumedBytes: number;
}

/** Where a progress bar is drawn: over the open progress line, which it starts with. */
export interface UploadBar {
  stream: NodeJS.WritableStream;
  prefix: string;
}

/** A blob the agent lacks, with what an interrupted upload (or relay) already delivered of it. */
export interface MissingBlob extends BlobToSend {
  offset: number;
}

/** Which of `blobs` the agent lacks, and how much of each it holds already. */
export async function askMissingBlobs(connection: AgentConnection, blobs: readonly BlobToSend[]): Promise<MissingBlob[]> {
  const reply = await connection.unary<{ missing: { sha256: string; receivedBytes: number }[] }>('MissingBlobs', {
    blobs: blobs.map((b) => ({ sha256: b.sha256, size: statSync(b.path).size })),
  });
  return reply.missing.map((m) => ({ ...blobs.find((b) => b.sha256 === m.sha256)!, offset: Number(m.receivedBytes) }));
}

/**
 * Sends what the agent lacks, and only that: the agent says which blobs it
 * misses and how much of each it already has, so an interrupted upload
 * resumes where it stopped. A progress bar on a terminal. `known`: what it lacks, when just asked.
 */
export async function uploadMissingBlobs(connection: AgentConnection, blobs: readonly BlobToSend[], progress: UploadBar | false, known?: MissingBlob[]): Promise<UploadSummary> {
  const missing = known ?? (await askMissingBlobs(connection, blobs));
  const total = missing.reduce((sum, m) => sum + statSync(m.path).size - m.offset, 0);
  // the bar's library loads only when there is something to send and a terminal to draw on
  const cliProgress = progress && missing.length > 0 ? (await import('cli-progress')).default : undefined;
  const bar = progress && cliProgress
    ? new cliProgress.SingleBar({ format: `${progress.prefix}[{bar}] {percentage}% {sentText} of {totalText}, {rateText} {what}`, stream: progress.stream, hideCursor: true, clearOnComplete: true, barsize: 24 }, cliProgress.Presets.shades_classic)
    : undefined;
  const began = performance.now();
  const human = (value: number) => ({ sentText: formatBytes(value), totalText: formatBytes(total), rateText: `${formatBytes(value / Math.max((performance.now() - began) / 1000, 0.001))}/s` });
  bar?.start(total, 0, { what: '', ...human(0) });
  let sent = 0;
  try {
    for (const blob of missing) {
      const size = statSync(blob.path).size;
      const chunks = blobChunks(blob.path, blob.offset);
      const first = await chunks.next();
      const firstData = first.done ? Buffer.alloc(0) : first.value;
      const counted = async function* () {
        for await (const data of { [Symbol.asyncIterator]: () => chunks }) {
          sent += data.length;
          bar?.update(sent, { what: blob.what, ...human(sent) });
          yield { data };
        }
      };
      sent += firstData.length;
      await connection.clientStream<{ sha256?: string; size?: number; offset?: number; data: Buffer }, unknown>('UploadBlob', { sha256: blob.sha256, size, offset: blob.offset, data: firstData }, counted());
      bar?.update(sent, { what: blob.what, ...human(sent) });
    }
    bar?.update(total, { what: '', ...human(total) });
  } finally {
    bar?.stop();
  }
  return { blobs: missing.length, bytes: total, resumedBytes: missing.reduce((s, m) => s + m.offset, 0) };
}
