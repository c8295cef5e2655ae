/**
 * Paths stored inside an archive: always relative, never climbing out with `..`.
 * Writers and the extractor share this one check so that what we write is what we accept.
 */
import { ArchiveError } from "../errors.ts";

/**
 * The components of an archive path ("a/./b/" gives ["a", "b"]), or an ArchiveError when the
 * path is absolute, has a `..` component, a backslash or a Windows drive prefix.
 * `where` names the archive (or the entry list) the path comes from.
 */
export function archivePathComponents(path: string, where: string): string[] {
  const refuse = (problem: string): never => {
    throw new ArchiveError(`archive path "${path}" ${problem}`, {
      where,
      hint: "archive paths must be relative and stay inside the archive (no leading /, no ..)",
    });
  };
  if (path.startsWith("/")) refuse("is absolute");
  // node-tar strips drive prefixes and treats backslashes as separators on Windows: refuse both, never rewrite.
  if (/^[A-Za-z]:/.test(path)) refuse("starts with a drive letter");
  if (path.includes("\\")) refuse("contains a backslash");
  const components = path.split("/").filter((part) => part !== "" && part !== ".");
  if (components.includes("..")) refuse('has a ".." component');
  return components;
}

/** The canonical form of an archive path ("./a//b/" gives "a/b"); "" for the archive root. */
export function normalizeArchivePath(path: string, where: string): string {
  return archivePathComponents(path, where).join("/");
}
