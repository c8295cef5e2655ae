/**
 * mkdir -p that always ends. Node's mkdirSync({ recursive: true }) loops for ever at full CPU
 * when mkdir keeps answering ENOENT for a directory whose parent exists (/proc/x, /sys/x);
 * this walks up to the nearest existing ancestor and creates each missing level once, so a
 * path that cannot be made fails at once with the errno error of the level that failed.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` and its missing parents; returns the first directory created, or undefined when it existed. */
export function makeDirectories(dir: string, mode = 0o777): string | undefined {
  const missing: string[] = [];
  for (let level = resolve(dir); ; level = dirname(level)) {
    const stat = statUnlessMissing(level);
    if (stat?.isDirectory()) break;
    if (stat) throw notADirectory(level, dir);
    missing.unshift(level);
    if (dirname(level) === level) break;
  }
  for (const level of missing) {
    try {
      mkdirSync(level, { mode });
    } catch (error) {
      // another process made it meanwhile
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(level).isDirectory()) throw error;
    }
  }
  return missing[0];
}

/** undefined when `path` does not exist, also when a parent is a file (ENOTDIR): the walk up finds that file. */
function statUnlessMissing(path: string) {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

function notADirectory(file: string, wanted: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${wanted}' (${file} is a file)`), { code: 'ENOTDIR', syscall: 'mkdir', path: wanted, errno: -20 });
}
