import { createReadStream } from 'node:fs';

/**
 * The size blobs travel in, from ctl (UploadBlob) and from another host (ServeBlobs): well
 * under the agent's 1 MiB request limit, and large enough that a 60 MB release is a few
 * hundred messages.
 */
export const BLOB_CHUNK_BYTES = 256 * 1024;

/** A stored file's bytes from `offset`, in BLOB_CHUNK_BYTES pieces; `signal` stops the reading. */
export async function* blobChunks(path: string, offset: number, signal?: AbortSignal): AsyncGenerator<Buffer> {
  for await (const chunk of createReadStream(path, { start: offset, highWaterMark: BLOB_CHUNK_BYTES, signal })) yield chunk as Buffer;
}
