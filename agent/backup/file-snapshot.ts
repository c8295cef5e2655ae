/**
 * db = files, incremental: a backup is a snapshot of paths under shared/var whose file
 * contents live as content-addressed objects (objects/<sha256>) in the backup directory.
 * What the previous backup already holds is hard-linked from it, never copied: a blob
 * file unchanged since then costs a link, and an append-only file (a FileStorage
 * Data.fs, a log) that only grew costs its new bytes, as one more segment. Each backup
 * links every object it needs, so it restores on its own, and pruning an older one
 * frees only what no newer one links.
 *
 * "Only grew" is checked, never assumed: the same file (device and inode), no smaller,
 * and the bytes of the previous snapshot's last segment still the same (its sha256).
 * A file's last segment is never longer than SETTLING_BYTES, so that check reads at most
 * that much, and it also covers a transaction that was still being written when the
 * first pass copied it (FileStorage sets a transaction's status byte once it commits).
 * A pack or a restore (a new file, or one rewritten in place) is copied in full.
 */
import { createHash } from "node:crypto";
import { existsSync, linkSync, lstatSync, readdirSync, readlinkSync, type Stats } from "node:fs";
import { link, mkdir, open, rename, rm, symlink, truncate, utimes, chmod } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { BackupError } from "../../shared/errors.ts";
import { settledLength } from "./filestorage-boundary.ts";

/** A file's last segment holds at most this many bytes (see above). */
export const SETTLING_BYTES = 16 * 1024 * 1024;
const COPY_CHUNK = 1024 * 1024;
export const OBJECTS_DIR = "objects";

export interface Segment {
  sha256: string;
  size: number;
}

export type SnapshotEntry =
  | { path: string; type: "dir"; mode: number; ino?: number; mtimeMs?: number }
  | { path: string; type: "symlink"; target: string }
  | {
      path: string;
      type: "file";
      mode: number;
      mtimeMs: number;
      size: number;
      dev: number;
      ino: number;
      segments: Segment[];
      /** a file copied through its own tool (SQLite): the state of it and its journals then, to tell whether it changed since */
      copiedAs?: string;
    };

export interface Snapshot {
  /** the backed-up paths (db-paths, or every entry of shared/var) that were there */
  present: string[];
  /** every entry under them, parents before children */
  entries: SnapshotEntry[];
  /** the top paths that were missing: removed on restore */
  absent: string[];
}

/** What taking a snapshot cost: the bytes written into objects, and the files linked from the previous one. */
export interface SnapshotCost {
  copiedBytes: number;
  copiedFiles: number;
  linkedFiles: number;
  appendedFiles: number;
}

/**
 * A file whose bytes are not read as they are (a SQLite database): `signature` says whether it
 * is one (undefined: not) and names its state (with its journals'); `copy` copies it through its own tool.
 */
export interface SpecialCopy {
  signature(source: string): Promise<string | undefined>;
  copy(source: string, target: string): Promise<void>;
}

export interface SnapshotSource {
  sharedVarDir: string;
  /** top paths (relative to shared/var) present now, and those absent */
  present: readonly string[];
  absent: readonly string[];
  /** the previous snapshot and the directory holding its objects */
  previous?: { snapshot: Snapshot; dir: string };
  /** returns true when it copied the file itself (SQLite's online backup) */
  specialCopy?: SpecialCopy;
  log: (line: string) => void;
}

/**
 * Takes a snapshot of `source` into `dir` (its objects/ folder); `dir` may hold objects already
 * (a first pass). The objects are written, not synced: the caller syncs the filesystem once.
 */
export async function takeSnapshot(source: SnapshotSource, dir: string): Promise<{ snapshot: Snapshot; cost: SnapshotCost; sameAsPrevious: boolean }> {
  await mkdir(join(dir, OBJECTS_DIR), { recursive: true });
  const previous = new Map((source.previous?.snapshot.entries ?? []).map((e) => [e.path, e]));
  const cost: SnapshotCost = { copiedBytes: 0, copiedFiles: 0, linkedFiles: 0, appendedFiles: 0 };
  const entries: SnapshotEntry[] = [];
  const objects = { dir: join(dir, OBJECTS_DIR), previousDir: source.previous ? join(source.previous.dir, OBJECTS_DIR) : undefined };

  // synchronous stats on purpose: a blobstorage has tens of thousands of files, and the
  // pass after stop is mostly stats; a thread-pool round trip each would be the outage
  const children = childrenIndex(source.previous?.snapshot.entries ?? []);
  const visit = async (path: string): Promise<void> => {
    const full = join(source.sharedVarDir, path);
    const stats = lstatSync(full);
    if (stats.isDirectory()) {
      entries.push({ path, type: "dir", mode: stats.mode & 0o7777, ino: stats.ino, mtimeMs: stats.mtimeMs });
      const before = previous.get(path);
      // a directory whose entries were neither added nor removed (same inode and time): its
      // names are the previous snapshot's, and its blob files, written once, are not looked at again
      const unchanged = before?.type === "dir" && before.ino === stats.ino && before.mtimeMs === stats.mtimeMs;
      for (const name of unchanged ? (children.get(path) ?? []) : readdirSync(full).sort()) {
        const child = `${path}/${name}`;
        const known = unchanged ? previous.get(child) : undefined;
        if (known?.type === "file" && name.endsWith(".blob") && !known.copiedAs) {
          linkObjects(known.segments, objects);
          cost.linkedFiles += 1;
          entries.push(known);
        } else await visit(child);
      }
    } else if (stats.isSymbolicLink()) {
      entries.push({ path, type: "symlink", target: readlinkSync(full) });
    } else if (stats.isFile()) {
      entries.push(await snapshotFile(path, full, stats, previous.get(path), objects, source.specialCopy, cost));
    } else {
      source.log(`backup: skipping ${full}: not a file, directory or symlink`);
    }
  };
  for (const path of source.present) await visit(path);
  const snapshot = { present: [...source.present], entries, absent: [...source.absent] };
  return { snapshot, cost, sameAsPrevious: source.previous !== undefined && sameSnapshot(source.previous.snapshot, snapshot) };
}

/** Nothing changed between two snapshots: each entry the same, in the same order (a second pass after a quiet moment). */
function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.entries.length !== b.entries.length || a.absent.join("\0") !== b.absent.join("\0") || a.present.join("\0") !== b.present.join("\0")) return false;
  return a.entries.every((entry, i) => {
    const other = b.entries[i]!;
    if (entry === other) return true;
    if (entry.path !== other.path || entry.type !== other.type) return false;
    if (entry.type === "file" && other.type === "file") {
      return entry.ino === other.ino && entry.size === other.size && entry.mtimeMs === other.mtimeMs && entry.copiedAs === other.copiedAs && entry.segments.length === other.segments.length && entry.segments.every((s, k) => s.sha256 === other.segments[k]!.sha256);
    }
    if (entry.type === "dir" && other.type === "dir") return entry.ino === other.ino && entry.mtimeMs === other.mtimeMs && entry.mode === other.mode;
    return entry.type === "symlink" && other.type === "symlink" && entry.target === other.target;
  });
}

/** directory → the names of its entries, in a snapshot's order */
function childrenIndex(entries: readonly SnapshotEntry[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const { path } of entries) {
    const slash = path.lastIndexOf("/");
    if (slash < 0) continue;
    const parent = path.slice(0, slash);
    const names = index.get(parent) ?? [];
    names.push(path.slice(slash + 1));
    index.set(parent, names);
  }
  return index;
}

interface ObjectDirs {
  dir: string;
  previousDir: string | undefined;
}

type FileStats = Stats;

async function snapshotFile(
  path: string,
  full: string,
  stats: FileStats,
  before: SnapshotEntry | undefined,
  objects: ObjectDirs,
  specialCopy: SpecialCopy | undefined,
  cost: SnapshotCost,
): Promise<SnapshotEntry> {
  const entry = { path, type: "file" as const, mode: Number(stats.mode) & 0o7777, mtimeMs: Number(stats.mtimeMs), dev: Number(stats.dev), ino: Number(stats.ino) };
  const prior = before?.type === "file" ? before : undefined;
  const unchanged = prior !== undefined && prior.dev === entry.dev && prior.ino === entry.ino && prior.size === stats.size && prior.mtimeMs === entry.mtimeMs;
  if (unchanged && !prior.copiedAs) {
    // unchanged since the previous snapshot, as rsync --link-dest decides it
    linkObjects(prior.segments, objects);
    cost.linkedFiles += 1;
    return { ...entry, size: stats.size, segments: prior.segments };
  }
  // only a changed or new file is looked into (its header), or one copied through its own tool before
  const copiedAs = specialCopy && (await specialCopy.signature(full));
  if (specialCopy && copiedAs) {
    if (prior?.copiedAs === copiedAs) {
      // neither it nor its journals changed since its last copy
      linkObjects(prior.segments, objects);
      cost.linkedFiles += 1;
      return { ...entry, size: prior.size, segments: prior.segments, copiedAs };
    }
    const staged = join(objects.dir, `.special-${process.pid}-${basename(path)}`);
    await specialCopy.copy(full, staged);
    const segment = await adoptStagedObject(staged, objects.dir);
    cost.copiedBytes += segment.size;
    cost.copiedFiles += 1;
    return { ...entry, size: segment.size, segments: [segment], copiedAs };
  }
  // a FileStorage being written to is taken up to its last whole transaction (a second pass, after stop, takes the rest)
  const size = await settledLength(full, stats.size, prior?.dev === entry.dev && prior?.ino === entry.ino ? prior.size : 0);
  if (prior && isLinkedBackObject(stats, prior, objects)) {
    // a blob a restore linked back from the previous backup: that backup's very object
    linkObjects(prior.segments, objects);
    cost.linkedFiles += 1;
    return { ...entry, size, segments: prior.segments };
  }
  if (prior && prior.dev === entry.dev && prior.ino === entry.ino && size >= prior.size && (await lastSegmentHolds(full, prior))) {
    // the same file, grown: the earlier bytes are the previous snapshot's, only the new ones are copied
    linkObjects(prior.segments, objects);
    const added = await copyRange(full, prior.size, size, objects.dir);
    cost.copiedBytes += size - prior.size;
    cost.appendedFiles += 1;
    return { ...entry, size, segments: [...prior.segments, ...added] };
  }
  const segments = await copyRange(full, 0, size, objects.dir);
  cost.copiedBytes += size;
  cost.copiedFiles += 1;
  return { ...entry, size, segments };
}

/** The live file is the previous snapshot's object itself (same inode): linked back by a restore. */
function isLinkedBackObject(stats: FileStats, prior: { size: number; segments: Segment[] }, objects: ObjectDirs): boolean {
  if (prior.segments.length !== 1 || stats.size !== prior.size || !objects.previousDir) return false;
  const object = lstatSync(join(objects.previousDir, prior.segments[0]!.sha256), { throwIfNoEntry: false });
  return object !== undefined && object.ino === stats.ino && object.dev === stats.dev;
}

/** The live file's bytes where `prior`'s last segment lies are still that segment (by its sha256). */
export async function lastSegmentHolds(full: string, prior: { size: number; segments: Segment[] }): Promise<boolean> {
  const last = prior.segments.at(-1);
  if (!last) return prior.size === 0;
  const hash = createHash("sha256");
  const handle = await open(full, "r");
  try {
    let position = prior.size - last.size;
    const buffer = Buffer.allocUnsafe(Math.min(COPY_CHUNK, Math.max(last.size, 1)));
    while (position < prior.size) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, prior.size - position), position);
      if (bytesRead === 0) return false;
      hash.update(buffer.subarray(0, bytesRead));
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex") === last.sha256;
}

/**
 * Copies bytes [from, to) of `full` into objects, hashing as it goes; the last
 * SETTLING_BYTES become a segment of their own (see the module's comment).
 */
async function copyRange(full: string, from: number, to: number, objectsDir: string): Promise<Segment[]> {
  if (to <= from) return from === 0 ? [await writeObject(full, 0, 0, objectsDir)] : [];
  const split = Math.max(from, to - SETTLING_BYTES);
  const segments: Segment[] = [];
  if (split > from) segments.push(await writeObject(full, from, split, objectsDir));
  segments.push(await writeObject(full, split, to, objectsDir));
  return segments;
}

async function writeObject(full: string, from: number, to: number, objectsDir: string): Promise<Segment> {
  const staged = join(objectsDir, `.copy-${process.pid}-${from}-${basename(full)}`);
  const hash = createHash("sha256");
  const source = await open(full, "r");
  const target = await open(staged, "w", 0o444);
  try {
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    let position = from;
    while (position < to) {
      const { bytesRead } = await source.read(buffer, 0, Math.min(buffer.length, to - position), position);
      if (bytesRead === 0) throw new BackupError(`${full} became shorter while it was copied`, { where: full, hint: "back up again: the application rewrote the file (a pack?) during the backup" });
      hash.update(buffer.subarray(0, bytesRead));
      await target.write(buffer, 0, bytesRead);
      position += bytesRead;
    }
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
  const sha256 = hash.digest("hex");
  await placeObject(staged, join(objectsDir, sha256));
  return { sha256, size: to - from };
}

async function adoptStagedObject(staged: string, objectsDir: string): Promise<Segment> {
  const hash = createHash("sha256");
  const handle = await open(staged, "r");
  let size = 0;
  try {
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
      size += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const sha256 = hash.digest("hex");
  await chmod(staged, 0o444);
  await placeObject(staged, join(objectsDir, sha256));
  return { sha256, size };
}

/** The same content may be there already (two equal files, a first pass): then the copy is dropped. */
async function placeObject(staged: string, target: string): Promise<void> {
  if (exists(target)) await rm(staged, { force: true });
  else await rename(staged, target);
}

function linkObjects(segments: readonly Segment[], objects: ObjectDirs): void {
  if (objects.previousDir === objects.dir) return; // a second pass: the first one's objects are there
  for (const { sha256 } of segments) {
    const target = join(objects.dir, sha256);
    if (existsSync(target)) continue;
    if (!objects.previousDir) throw new BackupError(`object ${sha256} is missing`, { where: objects.dir });
    linkSync(join(objects.previousDir, sha256), target);
  }
}

/**
 * Puts shared/var back as `snapshot` has it, touching only what differs: an unchanged
 * file is left, a file that only grew since is truncated back (after its last segment's
 * bytes are checked), other files are rebuilt from their segments (each checked against
 * its sha256 as it is read) beside their place and renamed in, write-once files (ZODB's
 * *.blob) are linked back from the backup, and what the snapshot does not hold is removed.
 * Running it again after a crash finishes the job: every step is decided from what is there.
 */
export async function restoreSnapshot(snapshot: Snapshot, backupDir: string, sharedVarDir: string, log: (line: string) => void): Promise<{ truncated: number; restored: number; removed: number; unchanged: number }> {
  const counts = { truncated: 0, restored: 0, removed: 0, unchanged: 0 };
  const objectsDir = join(backupDir, OBJECTS_DIR);
  const wanted = new Set(snapshot.entries.map((e) => e.path));
  for (const entry of snapshot.entries) {
    const full = join(sharedVarDir, entry.path);
    // synchronous: most entries of a blobstorage are one stat that finds them unchanged
    const live = lstatSync(full, { throwIfNoEntry: false });
    if (entry.type === "dir") {
      if (live && !live.isDirectory()) await rm(full, { recursive: true, force: true });
      if (!live || !live.isDirectory()) await mkdir(full, { mode: entry.mode });
      continue;
    }
    if (entry.type === "symlink") {
      if (live?.isSymbolicLink() && readlinkSync(full) === entry.target) continue;
      await replaceWith(full, async (staged) => symlink(entry.target, staged));
      counts.restored += 1;
      continue;
    }
    const same = live?.isFile() && live.dev === entry.dev && live.ino === entry.ino;
    if (same && live!.size === entry.size && live!.mtimeMs === entry.mtimeMs) {
      counts.unchanged += 1;
      continue;
    }
    if (same && live!.size > entry.size && (await lastSegmentHolds(full, entry))) {
      // only appended to since: cut back to the backup's length, and its time, so that a
      // restore run again (after a crash) and the next backup see it unchanged
      await truncate(full, entry.size);
      await utimes(full, new Date(), new Date(entry.mtimeMs));
      await fsyncFile(full);
      counts.truncated += 1;
      continue;
    }
    if (entry.path.endsWith(".blob") && entry.segments.length === 1) {
      // written once and never changed (ZODB blobs): the backup's copy serves again, linked
      await replaceWith(full, async (staged) => link(join(objectsDir, entry.segments[0]!.sha256), staged));
    } else {
      await replaceWith(full, async (staged) => {
        await concatenateChecked(entry.segments, objectsDir, staged, entry.mode);
        await utimes(staged, new Date(), new Date(entry.mtimeMs));
      });
    }
    counts.restored += 1;
  }
  for (const top of snapshot.present) counts.removed += await removeUnlisted(sharedVarDir, top, wanted);
  for (const path of snapshot.absent) {
    if (exists(join(sharedVarDir, path))) {
      await rm(join(sharedVarDir, path), { recursive: true, force: true });
      counts.removed += 1;
    }
  }
  await fsyncFile(sharedVarDir);
  log(`restore: ${counts.unchanged} unchanged, ${counts.truncated} truncated back, ${counts.restored} put back, ${counts.removed} removed in ${sharedVarDir}`);
  return counts;
}

async function concatenateChecked(segments: readonly Segment[], objectsDir: string, target: string, mode: number): Promise<void> {
  const out = await open(target, "w", mode);
  try {
    const buffer = Buffer.allocUnsafe(COPY_CHUNK);
    for (const segment of segments) {
      const hash = createHash("sha256");
      const source = await open(join(objectsDir, segment.sha256), "r");
      try {
        let position = 0;
        for (;;) {
          const { bytesRead } = await source.read(buffer, 0, buffer.length, position);
          if (bytesRead === 0) break;
          hash.update(buffer.subarray(0, bytesRead));
          await out.write(buffer, 0, bytesRead);
          position += bytesRead;
        }
      } finally {
        await source.close();
      }
      if (hash.digest("hex") !== segment.sha256) {
        throw new BackupError(`the backup's object ${segment.sha256} is damaged: its bytes do not have that sha256`, {
          where: join(objectsDir, segment.sha256),
          hint: "this backup cannot be restored; restore an older one, or by hand",
        });
      }
    }
    await out.sync();
  } finally {
    await out.close();
  }
}

/** Builds the replacement beside `full` and renames it in: the live path is the old or the new, never half. */
async function replaceWith(full: string, build: (staged: string) => Promise<void>): Promise<void> {
  const staged = join(dirname(full), `.${basename(full)}.hostout-restoring`);
  await rm(staged, { recursive: true, force: true });
  await build(staged);
  const live = lstatSync(full, { throwIfNoEntry: false });
  if (live?.isDirectory()) await rm(full, { recursive: true, force: true });
  await rename(staged, full);
}

async function removeUnlisted(sharedVarDir: string, path: string, wanted: ReadonlySet<string>): Promise<number> {
  const full = join(sharedVarDir, path);
  const live = lstatSync(full, { throwIfNoEntry: false });
  if (!live) return 0;
  if (!wanted.has(path)) {
    await rm(full, { recursive: true, force: true });
    return 1;
  }
  if (!live.isDirectory()) return 0;
  let removed = 0;
  for (const name of readdirSync(full)) {
    if (name.endsWith(".hostout-restoring")) await rm(join(full, name), { recursive: true, force: true });
    else removed += await removeUnlisted(sharedVarDir, `${path}/${name}`, wanted);
  }
  return removed;
}

async function fsyncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}
