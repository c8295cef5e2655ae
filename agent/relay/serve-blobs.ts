/**
 * The seed's side of the blob relay: stored blobs streamed to another host's agent, each from
 * the offset that agent already holds. The call was signed by the controller for this agent
 * (fingerprint, fresh nonce, these exact blobs and offsets) and only carried by the fetching
 * agent, so the ordinary request check admits it and nobody can widen what it asks for.
 */
import { statSync } from 'node:fs';
import { blobChunks } from '../../shared/fs/blob-chunks.ts';
import { StateError } from '../../shared/errors.ts';
import type { Emit } from '../rpc/authenticated-service.ts';
import type { BlobStore } from '../state/blob-store.ts';

export interface BlobFrom {
  sha256: string;
  offset: number;
}

/** One message of the stream: the first of each blob names it, its size and the offset it starts at. */
export interface ServedChunk {
  sha256?: string;
  size?: number;
  offset?: number;
  data: Buffer;
}

/** Streams `blobs` (all must be stored here) with backpressure; returns the bytes sent. */
export async function serveBlobs(store: BlobStore, blobs: readonly BlobFrom[], emit: Emit<ServedChunk>, cancelled: AbortSignal): Promise<{ blobs: number; bytes: number }> {
  // every blob checked before a byte is sent: a fetch either gets what it asked for or a reason
  const sized = blobs.map((blob) => {
    if (!store.has(blob.sha256)) {
      throw new StateError(`blob ${blob.sha256.slice(0, 12)} is not stored on this host, so it cannot pass it on`, { hint: 'ctl relays only blobs a host holds; it uploads this one itself' });
    }
    const size = statSync(store.path(blob.sha256)).size;
    const offset = Number(blob.offset);
    if (!(offset >= 0 && offset <= size)) throw new StateError(`blob ${blob.sha256.slice(0, 12)}: offset ${offset} is outside its ${size} bytes`);
    return { ...blob, offset, size };
  });
  let bytes = 0;
  for (const blob of sized) {
    let first: ServedChunk | undefined = { sha256: blob.sha256, size: blob.size, offset: blob.offset, data: Buffer.alloc(0) };
    if (blob.offset < blob.size) {
      // a fetching agent that goes away aborts the reading (cancelled)
      for await (const data of blobChunks(store.path(blob.sha256), blob.offset, cancelled)) {
        bytes += data.length;
        if (!emit(first ? { ...first, data } : { data })) await emit.drained();
        first = undefined;
      }
    }
    if (first) emit(first); // nothing left to send of it: the fetching agent still verifies and stores it
  }
  return { blobs: sized.length, bytes };
}
