/**
 * Unpacking a release archive with no way out: every header is read and judged first
 * (checkTarEntries), and only an archive that passes as a whole is extracted, into a staging
 * directory beside `destDir` that is renamed into place at the end. A refused or broken
 * archive leaves `destDir` absent and nothing else behind.
 *
 * node-tar on its own would strip a leading "/" or skip a ".." entry and carry on; we refuse
 * the archive instead, and also check during extraction that it still has the headers we judged.
 * A decompression bomb is refused while the headers are read, as soon as the entries or the
 * bytes they declare (or the bytes gunzip yields) pass the limits: it is never unpacked.
 */
import { createReadStream } from "node:fs";
import { chmod, lstat, mkdtemp, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { extract, Parser, ReadEntry } from "tar";
import { ArchiveError } from "../errors.ts";
import { checkTarEntries, type TarEntryHeader, type TarEntryRules } from "./tar-entry-check.ts";

/** How much an archive may unpack to; an archive beyond either is refused before anything is written. */
export interface ExtractLimits extends TarEntryRules {
  maxEntries: number;
  /** the sum of the entries' sizes */
  maxBytes: number;
}

/** For callers that know nothing better: generous, but finite. */
export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = { maxEntries: 200_000, maxBytes: 4 * 1024 ** 3 };

/** Tar framing around the entries' bytes: a 512-byte header (long names and pax take a few), padding, end blocks. */
const TAR_OVERHEAD_PER_ENTRY = 4 * 512;
const TAR_OVERHEAD_FIXED = 20 * 512;

/** Extracts `archiveFile` (tar, usually gzipped) into the new directory `destDir`; returns the relative paths it holds. */
export async function extractTarGzSafely(archiveFile: string, destDir: string, limits: ExtractLimits = DEFAULT_EXTRACT_LIMITS): Promise<string[]> {
  await refuseExistingDestination(destDir);
  const headers = await readTarHeaders(archiveFile, limits);
  const paths = checkTarEntries(headers, archiveFile, limits);
  const staging = await mkdtemp(join(dirname(destDir), `.${basename(destDir)}.extracting-`));
  try {
    await extractJudgedEntries(archiveFile, staging, headers);
    await chmod(staging, 0o755); // mkdtemp made it 0700; a release directory is as readable as any mkdir'd one
    await rename(staging, destDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return paths;
}

async function refuseExistingDestination(destDir: string): Promise<void> {
  const existing = await lstat(destDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (existing) {
    throw new ArchiveError(`${destDir} already exists`, {
      where: destDir,
      hint: "archives are extracted into a new directory only, never merged into an existing one",
    });
  }
}

/**
 * Every header in the archive, including entries node-tar would silently skip (unknown types).
 * Stops at the first header past `limits`, and when gunzip yields more than such entries could fill.
 */
async function readTarHeaders(archiveFile: string, limits: ExtractLimits): Promise<TarEntryHeader[]> {
  const headers: TarEntryHeader[] = [];
  let declaredBytes = 0;
  let tooBig: ArchiveError | undefined;
  const source = await tarStream(archiveFile, limits.maxBytes + TAR_OVERHEAD_FIXED + TAR_OVERHEAD_PER_ENTRY * limits.maxEntries, (bytes) => {
    tooBig ??= beyondLimits(archiveFile, `it unpacks to more than ${bytes} bytes of tar`, limits);
    return tooBig;
  });
  const parser = new Parser({ strict: true });
  const judge = (entry: ReadEntry) => {
    headers.push(headerOf(entry));
    declaredBytes += entry.size ?? 0;
    if (headers.length > limits.maxEntries) tooBig ??= beyondLimits(archiveFile, `it holds more than ${limits.maxEntries} entries`, limits);
    else if (declaredBytes > limits.maxBytes) tooBig ??= beyondLimits(archiveFile, `its entries hold more than ${limits.maxBytes} bytes (at "${entry.path}")`, limits);
    if (tooBig) source.destroy(tooBig);
  };
  parser.on("entry", (entry: ReadEntry) => {
    judge(entry);
    entry.resume();
  });
  parser.on("ignoredEntry", judge);
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    source.on("error", reject).pipe(parser);
  }).catch((error: unknown) => {
    throw tooBig ?? unreadable(archiveFile, error);
  });
  return headers;
}

/**
 * The archive's tar bytes as a stream: gunzipped here rather than inside node-tar, so that the
 * bytes it expands to are counted and the stream fails with `overflow` past `maxTarBytes`.
 */
async function tarStream(archiveFile: string, maxTarBytes: number, overflow: (bytes: number) => ArchiveError): Promise<Readable> {
  const file = createReadStream(archiveFile);
  if (!(await isGzip(archiveFile))) return file;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(bytes > maxTarBytes ? overflow(maxTarBytes) : null, chunk);
    },
  });
  const gunzip = createGunzip();
  file.on("error", (error) => counter.destroy(error));
  gunzip.on("error", (error) => counter.destroy(error));
  return file.pipe(gunzip).pipe(counter).on("close", () => file.destroy());
}

async function isGzip(archiveFile: string): Promise<boolean> {
  const handle = await open(archiveFile, "r");
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    return bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

function beyondLimits(archiveFile: string, problem: string, limits: ExtractLimits): ArchiveError {
  return new ArchiveError(`refusing the archive: ${problem}, beyond what it may unpack to (${limits.maxEntries} entries, ${limits.maxBytes} bytes)`, {
    where: archiveFile,
    hint: "the archive is not the one the manifest describes, or it grew past the target's limit (raise max-unpacked-size if it is legitimate); nothing was extracted",
  });
}

/** Extracts into `staging`, refusing any entry that differs from the header judged before (the file changed). */
async function extractJudgedEntries(archiveFile: string, staging: string, judged: readonly TarEntryHeader[]): Promise<void> {
  let index = 0;
  let changed = false;
  await extract({
    file: archiveFile,
    cwd: staging,
    strict: true,
    preserveOwner: false,
    filter: (_path, entry) => {
      const expected = judged[index++];
      const same = entry instanceof ReadEntry && expected !== undefined && sameHeader(expected, headerOf(entry));
      if (!same) changed = true;
      return same;
    },
  }).catch((error: unknown) => {
    throw unreadable(archiveFile, error);
  });
  if (changed || index !== judged.length) {
    throw new ArchiveError("the archive changed while it was being extracted", {
      where: archiveFile,
      hint: "make sure nothing writes to the archive file, then extract it again",
    });
  }
}

function headerOf(entry: ReadEntry): TarEntryHeader {
  return { path: entry.path, type: entry.type, linkpath: entry.linkpath, mode: entry.mode, size: entry.size };
}

function sameHeader(a: TarEntryHeader, b: TarEntryHeader): boolean {
  return a.path === b.path && a.type === b.type && a.linkpath === b.linkpath && a.mode === b.mode && a.size === b.size;
}

function unreadable(archiveFile: string, error: unknown): ArchiveError {
  return new ArchiveError(`cannot extract the archive: ${error instanceof Error ? error.message : String(error)}`, {
    where: archiveFile,
    hint: "the file is not a readable tar.gz, or is truncated or corrupt",
    cause: error,
  });
}
