/**
 * Copying and syncing trees of files for backups: regular files, directories and symlinks (as
 * links, never followed), with modes and modification times. Sockets and FIFOs (a ZEO socket,
 * a supervisor socket) are not data: they are skipped and logged.
 */
import { constants } from "node:fs";
import { copyFile, lstat, mkdir, open, readdir, readlink, symlink, utimes } from "node:fs/promises";
import { join } from "node:path";
import { execFile } from "node:child_process";

export interface TreeSize {
  files: number;
  bytes: number;
}

/** Copies `source` (file, directory or symlink) to `target`, which must not exist. */
export async function copyEntry(source: string, target: string, log: (line: string) => void): Promise<void> {
  const stats = await lstat(source);
  if (stats.isDirectory()) {
    await mkdir(target, { mode: stats.mode & 0o7777 });
    for (const name of (await readdir(source)).sort()) await copyEntry(join(source, name), join(target, name), log);
  } else if (stats.isFile()) {
    // FICLONE: a reflink where the filesystem can (instant for a large Data.fs), else a copy
    await copyFile(source, target, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
  } else if (stats.isSymbolicLink()) {
    await symlink(await readlink(source), target);
    return;
  } else {
    log(`backup: skipping ${source}: not a file, directory or symlink`);
    return;
  }
  await utimes(target, stats.atime, stats.mtime);
}

/** fsyncs every file and directory under `root` (and `root`), and counts the regular files and their bytes. */
export async function syncTree(root: string): Promise<TreeSize> {
  const size: TreeSize = { files: 0, bytes: 0 };
  const visit = async (path: string): Promise<void> => {
    const stats = await lstat(path);
    if (stats.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if (stats.isFile()) {
      size.files += 1;
      size.bytes += stats.size;
    } else {
      return;
    }
    await fsyncPath(path);
  };
  await visit(root);
  return size;
}

/**
 * Makes everything written to the filesystem that holds `path` durable, in one call
 * (syncfs(2) through coreutils' `sync -f`): for a backup of thousands of new files, one
 * fsync each would cost seconds. Where `sync` is missing, every file under `path` is fsynced.
 */
export function syncFilesystemOf(path: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile("sync", ["-f", path], (error) => (error ? syncTree(path).then(() => resolve(), reject) : resolve())),
  );
}

/** Makes a file's content, or a directory's entries, durable. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
