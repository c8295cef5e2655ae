/**
 * The fetching side of the blob relay: blobs taken from another host's agent (the seed)
 * instead of from ctl, whose one uplink then carries each blob once for a whole fleet.
 * The seed is pinned by the fingerprint ctl gave; the call is the one ctl signed for the
 * seed, sent as signed; every blob goes through the store's upload, so it is verified by
 * its sha256 before it gets its name, and what arrived of a broken fetch is resumed later.
 */
import * as grpc from '@grpc/grpc-js';
import { StateError } from '../../shared/errors.ts';
import { agentServiceDefinition, methodPath } from '../../shared/rpc/agent-service.ts';
import { putRequestSignature, type PresignedCall } from '../../shared/trust/request-signature.ts';
import { fetchPinnedCertificate } from '../../shared/trust/pinned-certificate.ts';
import { pinnedChannelCredentials, PINNED_TLS_CHANNEL_OPTIONS } from '../../shared/trust/tls-identity.ts';
import type { BlobStore, BlobUpload } from '../state/blob-store.ts';
import type { BlobFrom, ServedChunk } from './serve-blobs.ts';

/** Seeds' certificates by fingerprint, kept for the agent's life: a fetch opens one TLS connection, not two. */
const seedCertificates = new Map<string, string>();

async function seedCertificate(seed: Seed): Promise<string> {
  const kept = seedCertificates.get(seed.fingerprint);
  if (kept) return kept;
  const pem = await fetchPinnedCertificate(seed.host, seed.port, seed.fingerprint);
  seedCertificates.set(seed.fingerprint, pem);
  return pem;
}

export interface Seed {
  host: string;
  port: number;
  fingerprint: string;
  /** as ctl names it, for messages */
  name: string;
}

export interface FetchedBlobs {
  blobs: number;
  bytes: number;
}

/**
 * Runs the presigned ServeBlobs call on `seed` and stores each blob it streams; `stored`
 * hears of each blob once it is verified and stored. A seed silent for `idleMs` is given up.
 */
export async function fetchFromSeed(store: BlobStore, seed: Seed, serve: PresignedCall, stored: (sha256: string, bytes: number) => void, idleMs: number): Promise<FetchedBlobs> {
  const asked = (agentServiceDefinition.ServeBlobs!.requestDeserialize(serve.request) as { blobs: BlobFrom[] }).blobs;
  const where = `${seed.name} (${seed.host}:${seed.port})`;
  let certPem: string;
  try {
    certPem = await seedCertificate(seed);
  } catch (error) {
    throw new StateError(`fetching blobs from ${where} failed: ${(error as Error).message}`, { hint: 'ctl uploads them itself' });
  }
  const client = new grpc.Client(`${seed.host}:${seed.port}`, pinnedChannelCredentials(certPem, seed.fingerprint), {
    ...PINNED_TLS_CHANNEL_OPTIONS,
    'grpc.max_receive_message_length': 4 * 1024 * 1024,
  });
  const call = client.makeServerStreamRequest(
    methodPath('ServeBlobs'),
    (bytes: Buffer) => bytes, // sent as signed, byte for byte
    agentServiceDefinition.ServeBlobs!.responseDeserialize as (bytes: Buffer) => ServedChunk,
    serve.request,
    putRequestSignature(serve),
  );
  let silent: NodeJS.Timeout | undefined;
  let stalled = false;
  const watch = () => {
    clearTimeout(silent);
    silent = setTimeout(() => {
      stalled = true;
      call.cancel();
    }, idleMs);
  };
  let upload: BlobUpload | undefined;
  let bytes = 0;
  let next = 0;
  const finish = async () => {
    if (!upload) return;
    const done = upload;
    upload = undefined;
    await done.finish();
    stored(done.sha, done.size - Number(asked[next - 1]!.offset));
  };
  try {
    watch();
    for await (const chunk of call as AsyncIterable<ServedChunk>) {
      watch();
      if (chunk.sha256) {
        await finish();
        const expected = asked[next];
        if (chunk.sha256 !== expected?.sha256 || Number(chunk.offset) !== Number(expected.offset)) {
          throw new StateError(`${where} sent blob ${chunk.sha256.slice(0, 12)} from byte ${chunk.offset}, which was not asked for next`);
        }
        next++;
        upload = await store.beginUpload(chunk.sha256, Number(chunk.size), Number(chunk.offset));
      } else if (!upload) {
        throw new StateError(`${where} sent data before naming its blob`);
      }
      await upload.write(chunk.data);
      bytes += chunk.data.length;
    }
    await finish();
  } catch (error) {
    if (error instanceof StateError) throw error;
    const details = stalled ? `the seed sent nothing for ${idleMs / 1000} s` : ((error as grpc.ServiceError).details ?? (error as Error).message);
    throw new StateError(`fetching blobs from ${where} failed: ${details}`, { hint: 'what arrived is kept; ctl uploads the rest itself' });
  } finally {
    clearTimeout(silent);
    await upload?.close();
    client.close();
  }
  if (next !== asked.length) throw new StateError(`${where} sent ${next} of the ${asked.length} blobs asked for`, { hint: 'ctl uploads the rest itself' });
  return { blobs: next, bytes };
}
