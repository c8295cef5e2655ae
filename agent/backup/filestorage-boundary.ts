/**
 * Where a ZODB FileStorage (Data.fs) ends in whole transactions, as repozo copies it: a
 * backup taken while the application writes stops before a transaction still being
 * written. A FileStorage starts with "FS21" (or "FS30"); each transaction is a header of
 * tid (8 bytes), length (8, big-endian, from the transaction's start to its trailing
 * copy of that length) and status (1: " " committed, "p" packed, "u" undone; "c" while
 * it is being written), its records, then that length again (8 bytes).
 */
import { open, type FileHandle } from "node:fs/promises";

const MAGIC = ["FS21", "FS30"];
const HEADER_BYTES = 23; // tid, length, status, user, description and extension lengths
const COMPLETE_STATUS = new Set([" ", "p", "u"]);

/**
 * The length of `path`'s prefix that holds only whole transactions, for a FileStorage of
 * `size` bytes; `size` itself for a file that is not one, or that ends on a whole
 * transaction. `knownBoundary`: an earlier such length of the same file, where the walk
 * forward starts (else from the start).
 */
export async function settledLength(path: string, size: number, knownBoundary = 0): Promise<number> {
  if (size < 4) return size;
  const file = await open(path, "r");
  try {
    const magic = await read(file, 0, 4);
    if (!MAGIC.includes(magic.toString("latin1"))) return size;
    if (await endsWithWholeTransaction(file, size)) return size;
    return await walkForward(file, Math.max(4, knownBoundary), size);
  } finally {
    await file.close();
  }
}

/** The last transaction, found backwards through its trailing length, is whole and committed. */
async function endsWithWholeTransaction(file: FileHandle, size: number): Promise<boolean> {
  if (size === 4) return true;
  if (size < 4 + HEADER_BYTES + 8) return false;
  const length = (await read(file, size - 8, 8)).readBigUInt64BE();
  const start = size - 8 - Number(length);
  if (length < BigInt(HEADER_BYTES) || start < 4) return false;
  const header = await read(file, start, 17);
  return header.readBigUInt64BE(8) === length && COMPLETE_STATUS.has(String.fromCharCode(header[16]!));
}

async function walkForward(file: FileHandle, from: number, size: number): Promise<number> {
  let position = from;
  while (position + HEADER_BYTES + 8 <= size) {
    const header = await read(file, position, 17);
    const length = Number(header.readBigUInt64BE(8));
    const end = position + length + 8;
    if (length < HEADER_BYTES || end > size || !COMPLETE_STATUS.has(String.fromCharCode(header[16]!))) break;
    if (Number((await read(file, position + length, 8)).readBigUInt64BE()) !== length) break;
    position = end;
  }
  return position;
}

async function read(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  await file.read(buffer, 0, length, position);
  return buffer;
}
