/**
 * Paths stored inside an archive: always relative, never climbing out with `..`.
 * Writers and the extractor share this one check so that what we write is what we accept.
 */
import { ArchiveError } from "../errors.ts";

/** Why `path` may not be stored in an archive, if it may not: absolute, `..`, or Windows-shaped. */
export function archivePathProblem(path: string): string | undefined {
  return foreignPathProblem(path) ?? (path.split("/").includes("..") ? 'has a ".." component' : undefined);
}

/**
 * Why `path` cannot be read the same way everywhere, if it cannot: absolute, or (as node-tar
 * strips drive prefixes and reads backslashes as separators) Windows-shaped. Refused, never rewritten.
 */
export function foreignPathProblem(path: string): string | undefined {
  if (path.startsWith("/")) return "is absolute";
  if (/^[A-Za-z]:/.test(path)) return "starts with a drive letter";
  if (path.includes("\\")) return "contains a backslash";
  return undefined;
}

/**
 * The canonical form of an archive path ("./a//b/" gives "a/b", "./" gives ""), or an
 * ArchiveError naming the path and `where` (the archive or entry list it comes from).
 */
export function normalizeArchivePath(path: string, where: string): string {
  const problem = archivePathProblem(path);
  if (problem) {
    throw new ArchiveError(`archive path "${path}" ${problem}`, {
      where,
      hint: "archive paths must be relative and stay inside the archive (no leading /, no ..)",
    });
  }
  return path
    .split("/")
    .filter((part) => part !== "" && part !== ".")
    .join("/");
}
