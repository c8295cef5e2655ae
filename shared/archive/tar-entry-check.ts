/**
 * Whether a tar archive, judged from its headers alone, can be unpacked without writing outside
 * the target directory. Pure: the extractor reads the headers, this decides.
 */
import { ArchiveError } from "../errors.ts";
import { archivePathProblem, foreignPathProblem, normalizeArchivePath } from "./archive-path.ts";

/** What the check needs from a tar header (node-tar's ReadEntry has these fields). */
export interface TarEntryHeader {
  path: string;
  /** node-tar's type name: File, Directory, SymbolicLink, Link, FIFO, ... */
  type: string;
  linkpath?: string;
  mode?: number;
  /** bytes of the entry's data */
  size?: number;
}

const EXTRACTABLE_TYPES = new Set(["File", "OldFile", "ContiguousFile", "Directory", "SymbolicLink"]);

const REFUSED_TYPES: Record<string, string> = {
  Link: "is a hard link",
  CharacterDevice: "is a character device",
  BlockDevice: "is a block device",
  FIFO: "is a FIFO",
};

/** Linux gives up after 40 links in one lookup; a longer chain here is a loop or an attack. */
const MAX_SYMLINK_HOPS = 40;

export interface TarEntryRules {
  /**
   * Top-level names the archive may neither place nor reach through a symlink: after
   * extraction they become links into shared directories (shared/var, shared/dist) or files
   * the agent writes, so an archive entry there would write into live data.
   */
  reservedNames?: readonly string[];
}

/**
 * The entries' normalized relative paths, in archive order (the "./" root entry left out), or an
 * ArchiveError naming the first entry that is a hard link or device, has an absolute or `..`
 * path, is setuid/setgid, appears twice, lies under a symlink of the archive, takes a reserved name, or
 * is a symlink whose target, followed through the archive's other symlinks, is absolute, leaves
 * the root or passes through a reserved name.
 */
export function checkTarEntries(entries: readonly TarEntryHeader[], where: string, rules: TarEntryRules = {}): string[] {
  const reserved = new Set(rules.reservedNames ?? []);
  const refuse = (entry: TarEntryHeader, problem: string): never => {
    throw new ArchiveError(`refusing archive entry "${entry.path}": it ${problem}`, {
      where,
      hint: "the archive may be corrupt or malicious; nothing was extracted",
    });
  };

  const symlinks = new Map<string, string>();
  const checked = entries.map((entry) => {
    if (!EXTRACTABLE_TYPES.has(entry.type)) refuse(entry, REFUSED_TYPES[entry.type] ?? `has the unsupported type ${entry.type}`);
    const pathProblem = archivePathProblem(entry.path);
    if (pathProblem) refuse(entry, pathProblem);
    const path = normalizeArchivePath(entry.path, where);
    const components = path === "" ? [] : path.split("/");
    if (path === "" && entry.type !== "Directory") refuse(entry, "would replace the extraction directory itself");
    if ((entry.mode ?? 0) & 0o6000) refuse(entry, "is setuid or setgid");
    if (reserved.has(components[0]!)) refuse(entry, `uses the name "${components[0]}", which the host links to shared data or writes itself`);
    if (entry.type === "SymbolicLink") {
      const target = entry.linkpath ?? "";
      if (target === "") refuse(entry, "is a symlink without a target");
      const foreign = foreignPathProblem(target);
      if (foreign) refuse(entry, `is a symlink whose target "${target}" ${foreign}`);
      symlinks.set(path, target);
    }
    return { entry, components, path };
  });

  const seen = new Set<string>();
  for (const { entry, components, path } of checked) {
    if (seen.has(path)) refuse(entry, "appears twice");
    seen.add(path);
    for (let depth = 1; depth < components.length; depth++) {
      const parent = components.slice(0, depth).join("/");
      if (symlinks.has(parent)) refuse(entry, `lies under "${parent}", a symlink of the same archive`);
    }
    if (entry.type === "SymbolicLink") {
      const target = entry.linkpath ?? "";
      const landing = resolveSymlinkTarget(components.slice(0, -1), target, symlinks, { hops: MAX_SYMLINK_HOPS }, reserved);
      if (!Array.isArray(landing) && typeof landing === "object") {
        refuse(entry, `is a symlink to "${target}", which passes through "${landing.reserved}", a name the host links to shared data or writes itself`);
      }
      if (landing === "outside") refuse(entry, `is a symlink to "${target}", which leads outside the extraction directory`);
      if (landing === "loop") refuse(entry, `is a symlink to "${target}", which loops or chains more than ${MAX_SYMLINK_HOPS} links`);
    }
  }
  return checked.map(({ path }) => path).filter((path) => path !== "");
}

/**
 * Where a symlink in `dir` pointing at `target` lands, resolving the archive's own symlinks on
 * the way as the kernel will: lexical normalization alone would accept "d/../x" with d -> ".".
 * Stepping onto a reserved top-level name stops the walk: on the host that name is a link
 * into shared/, so even "var/../x" would land outside the release.
 */
function resolveSymlinkTarget(
  dir: readonly string[],
  target: string,
  symlinks: ReadonlyMap<string, string>,
  budget: { hops: number },
  reserved: ReadonlySet<string>,
): string[] | "outside" | "loop" | { reserved: string } {
  const resolved = [...dir];
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) return "outside";
      resolved.pop();
      continue;
    }
    resolved.push(part);
    if (resolved.length === 1 && reserved.has(part)) return { reserved: part };
    const next = symlinks.get(resolved.join("/"));
    if (next === undefined) continue;
    if (--budget.hops < 0) return "loop";
    if (foreignPathProblem(next)) return "outside";
    const landing = resolveSymlinkTarget(resolved.slice(0, -1), next, symlinks, budget, reserved);
    if (!Array.isArray(landing)) return landing;
    resolved.splice(0, resolved.length, ...landing);
  }
  return resolved;
}
