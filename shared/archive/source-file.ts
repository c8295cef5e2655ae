/**
 * The files an archive is made from: regular files only (a symlink or device in a source tree is
 * refused, never followed), with just the facts a deterministic archive keeps: size and the
 * executable bit.
 */
import { constants, type ReadStream } from "node:fs";
import { lstat, open, readdir } from "node:fs/promises";
import { join } from "node:path";
import { ArchiveError } from "../errors.ts";
import type { ArchiveInput, LayoutEntry } from "./archive-layout.ts";

export interface SourceFile extends ArchiveInput {
  size: number;
  executable: boolean;
}

/** Stats `input.sourcePath` without following links; refuses anything but a regular file. */
export async function inspectSourceFile<F extends ArchiveInput>(input: F): Promise<F & SourceFile> {
  const stat = await lstat(input.sourcePath).catch((error: unknown) => {
    throw new ArchiveError(`cannot read ${input.sourcePath} for archive path "${input.archivePath}"`, { where: input.sourcePath, cause: error });
  });
  if (!stat.isFile()) refuseNonRegular(input.sourcePath, stat.isSymbolicLink() ? "a symlink" : "not a regular file");
  return { ...input, size: stat.size, executable: (stat.mode & 0o111) !== 0 };
}

/** Inspects the files of a planned layout, one at a time, in layout order. */
export async function inspectLayout<F extends ArchiveInput>(layout: readonly LayoutEntry<F>[]): Promise<LayoutEntry<F & SourceFile>[]> {
  const inspected: LayoutEntry<F & SourceFile>[] = [];
  for (const entry of layout) inspected.push(entry.kind === "file" ? { ...(await inspectSourceFile(entry)), kind: "file" } : entry);
  return inspected;
}

/** Reads a source file's bytes; O_NOFOLLOW so a file swapped for a symlink after inspection is not followed. */
export async function openSourceFile(file: SourceFile): Promise<ReadStream> {
  const handle = await open(file.sourcePath, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: unknown) => {
    throw new ArchiveError(`cannot read ${file.sourcePath} (it changed or vanished since it was listed)`, { where: file.sourcePath, cause: error });
  });
  return handle.createReadStream(); // closes the handle when done
}

/**
 * Every regular file under `dir`, with its path relative to `dir` as archive path. Empty
 * directories are not listed: an archive keeps only the directories its files live in.
 */
export async function listDirectoryFiles(dir: string): Promise<ArchiveInput[]> {
  const files: ArchiveInput[] = [];
  const walk = async (relativeDir: string): Promise<void> => {
    const entries = await readdir(join(dir, relativeDir), { withFileTypes: true });
    for (const entry of entries) {
      const archivePath = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
      const sourcePath = join(dir, archivePath);
      if (entry.isDirectory()) await walk(archivePath);
      else if (entry.isFile()) files.push({ archivePath, sourcePath });
      else refuseNonRegular(sourcePath, entry.isSymbolicLink() ? "a symlink" : "not a regular file");
    }
  };
  await walk("");
  return files;
}

function refuseNonRegular(sourcePath: string, what: string): never {
  throw new ArchiveError(`${sourcePath} is ${what}; archives hold regular files and directories only`, {
    where: sourcePath,
    hint: "replace it with a copy of the file it stands for, or leave it out",
  });
}
