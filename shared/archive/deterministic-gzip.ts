/**
 * Gzip whose bytes depend only on the input: the header carries no mtime, name or host OS
 * (zlib's own wrapper writes the build's OS code), and the compression level is fixed.
 */
import { pipeline, Readable } from "node:stream";
import { crc32, createDeflateRaw } from "node:zlib";

const GZIP_LEVEL = 9;

// magic, deflate, no flags, mtime 0, no extra flags, OS 3 (Unix) whatever the machine is
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]);

export async function* gzipDeterministically(source: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  let crc = 0;
  let length = 0;
  const counted = async function* () {
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      length += chunk.length;
      yield chunk;
    }
  };
  const deflate = createDeflateRaw({ level: GZIP_LEVEL });
  // An error on either side destroys `deflate` with it, which ends the loop below with that error.
  pipeline(Readable.from(counted()), deflate, () => {});
  yield GZIP_HEADER;
  for await (const chunk of deflate) yield chunk as Buffer;
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(length % 2 ** 32, 4);
  yield trailer;
}
