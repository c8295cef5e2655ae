/**
 * A tar.gz whose bytes depend only on the archived content: sorted entries, directories implied
 * by the paths, fixed mtime, owner 0:0 with no names, modes 0644/0755, deterministic gzip.
 * Same files in any checkout, on any machine, at any time give the same sha256.
 */
import { Header, Pax, type HeaderData } from "tar";
import { ArchiveError } from "../errors.ts";
import { planArchiveLayout, type ArchiveInput, type LayoutEntry } from "./archive-layout.ts";
import { writeStreamAtomic, type FileDigest } from "../fs/atomic-write.ts";
import { gzipDeterministically } from "./deterministic-gzip.ts";
import { inspectLayout, openSourceFile, type SourceFile } from "./source-file.ts";

const ARCHIVE_MTIME = new Date(Date.UTC(2000, 0, 1));

const BLOCK = 512;

/** The written archive: its digest, and what it unpacks to (entries, bytes of file content). */
export interface TarGzDigest extends FileDigest {
  entries: number;
  unpackedBytes: number;
}

export async function writeDeterministicTarGz(entries: readonly ArchiveInput[], outFile: string): Promise<TarGzDigest> {
  const layout = await inspectLayout(planArchiveLayout(entries, outFile));
  const digest = await writeStreamAtomic(outFile, gzipDeterministically(tarStream(layout)));
  const unpackedBytes = layout.reduce((sum, entry) => sum + (entry.kind === "file" ? entry.size : 0), 0);
  return { ...digest, entries: layout.length, unpackedBytes };
}

async function* tarStream(layout: readonly LayoutEntry<SourceFile>[]): AsyncGenerator<Buffer> {
  for (const entry of layout) {
    if (entry.kind === "directory") {
      yield headerBlocks({ path: `${entry.archivePath}/`, type: "Directory", mode: 0o755, size: 0 });
      continue;
    }
    yield headerBlocks({ path: entry.archivePath, type: "File", mode: entry.executable ? 0o755 : 0o644, size: entry.size });
    yield* fileContent(entry);
    const padding = (BLOCK - (entry.size % BLOCK)) % BLOCK;
    if (padding) yield Buffer.alloc(padding);
  }
  yield Buffer.alloc(2 * BLOCK); // end-of-archive marker
}

/** A ustar header, preceded by a pax header when the path does not fit (long or non-ASCII). */
function headerBlocks(data: Pick<HeaderData, "path" | "type" | "mode" | "size">): Buffer {
  const header = new Header({ ...data, uid: 0, gid: 0, uname: "", gname: "", mtime: ARCHIVE_MTIME });
  const block = Buffer.alloc(BLOCK);
  const needsPax = header.encode(block);
  return needsPax ? Buffer.concat([new Pax({ path: data.path, size: data.size }).encode(), block]) : block;
}

async function* fileContent(file: SourceFile): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of await openSourceFile(file)) {
    read += (chunk as Buffer).length;
    yield chunk as Buffer;
  }
  if (read !== file.size) {
    throw new ArchiveError(`${file.sourcePath} changed while it was archived (${file.size} bytes expected, ${read} read)`, {
      where: file.sourcePath,
      hint: "build the archive again once nothing writes to the source files",
    });
  }
}
