/**
 * Unpacking a release archive with no way out: every header is read and judged first
 * (checkTarEntries), and only an archive that passes as a whole is extracted, into a staging
 * directory beside `destDir` that is renamed into place at the end. A refused or broken
 * archive leaves `destDir` absent and nothing else behind.
 *
 * node-tar on its own would strip a leading "/" or skip a ".." entry and carry on; we refuse
 * the archive instead, and also check during extraction that it still has the headers we judged.
 */
import { createReadStream } from "node:fs";
import { chmod, lstat, mkdtemp, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { extract, Parser, ReadEntry } from "tar";
import { ArchiveError } from "../errors.ts";
import { checkTarEntries, type TarEntryHeader } from "./tar-entry-check.ts";

/** Extracts `archiveFile` (tar, usually gzipped) into the new directory `destDir`; returns the relative paths it holds. */
export async function extractTarGzSafely(archiveFile: string, destDir: string): Promise<string[]> {
  await refuseExistingDestination(destDir);
  const headers = await readTarHeaders(archiveFile);
  const paths = checkTarEntries(headers, archiveFile);
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

/** Every header in the archive, including entries node-tar would silently skip (unknown types). */
async function readTarHeaders(archiveFile: string): Promise<TarEntryHeader[]> {
  const headers: TarEntryHeader[] = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry) => {
      headers.push(headerOf(entry));
      entry.resume();
    },
  });
  parser.on("ignoredEntry", (entry: ReadEntry) => headers.push(headerOf(entry)));
  await new Promise<void>((resolve, reject) => {
    parser.on("end", resolve);
    parser.on("error", reject);
    createReadStream(archiveFile).on("error", reject).pipe(parser);
  }).catch((error: unknown) => {
    throw unreadable(archiveFile, error);
  });
  return headers;
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
  return { path: entry.path, type: entry.type, linkpath: entry.linkpath, mode: entry.mode };
}

function sameHeader(a: TarEntryHeader, b: TarEntryHeader): boolean {
  return a.path === b.path && a.type === b.type && a.linkpath === b.linkpath && a.mode === b.mode;
}

function unreadable(archiveFile: string, error: unknown): ArchiveError {
  return new ArchiveError(`cannot extract the archive: ${error instanceof Error ? error.message : String(error)}`, {
    where: archiveFile,
    hint: "the file is not a readable tar.gz, or is truncated or corrupt",
    cause: error,
  });
}
