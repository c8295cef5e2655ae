/**
 * Writing an archive so that `outFile` is either absent, the old file, or the complete new one:
 * a temp file beside it, fsync, rename, fsync of the directory. The digest is taken from the
 * bytes as they are written, so it describes exactly what landed on disk.
 */
import { createHash, randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export interface FileDigest {
  /** hex SHA-256 of the file's bytes */
  sha256: string;
  size: number;
}

export async function writeFileAtomically(outFile: string, chunks: AsyncIterable<Uint8Array>): Promise<FileDigest> {
  const temp = join(dirname(outFile), `.${basename(outFile)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const file = await open(temp, "wx", 0o644);
  const hash = createHash("sha256");
  let size = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      size += chunk.length;
      for (let written = 0; written < chunk.length; ) written += (await file.write(chunk, written)).bytesWritten;
    }
    await file.sync();
    await file.close();
    await rename(temp, outFile);
  } catch (error) {
    await file.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await fsyncDirectory(dirname(outFile));
  return { sha256: hash.digest("hex"), size };
}

/** Makes the rename itself durable. */
async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
