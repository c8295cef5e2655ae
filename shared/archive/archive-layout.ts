/**
 * The order and shape of a deterministic archive: every file once, the directories its path
 * implies, all sorted by path, so the same set of files always gives the same entry list.
 */
import { ArchiveError } from "../errors.ts";
import { normalizeArchivePath } from "./archive-path.ts";

/** A file to put into an archive: where it goes inside, and where it is read from. */
export interface ArchiveInput {
  /** POSIX path inside the archive, relative */
  archivePath: string;
  sourcePath: string;
}

export type LayoutEntry<F extends ArchiveInput> = { kind: "directory"; archivePath: string } | ({ kind: "file" } & F);

/**
 * Sorts `files` by archive path (normalized: "./a//b" is "a/b") and inserts one directory
 * entry for each parent directory, parents before children. Refuses unsafe paths, a path
 * given twice, a path that is both a file and a directory, and an empty file list (tar
 * readers, ours included, take an archive without entries for a broken one).
 */
export function planArchiveLayout<F extends ArchiveInput>(files: readonly F[], where: string): LayoutEntry<F>[] {
  if (files.length === 0) throw new ArchiveError("there are no files to archive", { where, hint: "an archive needs at least one file" });
  const byPath = new Map<string, LayoutEntry<F>>();
  for (const file of files) {
    const archivePath = normalizeArchivePath(file.archivePath, where);
    if (archivePath === "") {
      throw new ArchiveError(`archive path "${file.archivePath}" names no file (for ${file.sourcePath})`, { where });
    }
    const previous = byPath.get(archivePath);
    if (previous) {
      const other = previous.kind === "file" ? previous.sourcePath : "a directory";
      throw new ArchiveError(`archive path "${archivePath}" is given twice: ${other} and ${file.sourcePath}`, {
        where,
        hint: "each path inside an archive must be unique",
      });
    }
    byPath.set(archivePath, { ...file, kind: "file", archivePath });
  }
  for (const archivePath of [...byPath.keys()]) {
    for (const dir of parentDirectories(archivePath)) {
      const existing = byPath.get(dir);
      if (existing?.kind === "file") {
        throw new ArchiveError(`archive path "${dir}" is both a file (${existing.sourcePath}) and the directory of "${archivePath}"`, {
          where,
        });
      }
      byPath.set(dir, { kind: "directory", archivePath: dir });
    }
  }
  // Code-unit order, not localeCompare: the order must not depend on the machine's locale.
  return [...byPath.values()].sort((a, b) => (a.archivePath < b.archivePath ? -1 : a.archivePath > b.archivePath ? 1 : 0));
}

/** "a/b/c" gives ["a", "a/b"]. */
function parentDirectories(archivePath: string): string[] {
  const parts = archivePath.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
}
