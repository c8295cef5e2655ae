import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every file, directory and symlink under `root` with its content hash or link
 * target: two snapshots are equal exactly when nothing under `root` changed
 * (apart from the paths `skip` names, relative to root).
 */
export function treeSnapshot(root: string, skip: readonly string[] = []): Record<string, string> {
  const snapshot: Record<string, string> = {};
  if (!existsSync(root)) return snapshot;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      if (skip.includes(rel)) continue;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) snapshot[rel] = `-> ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        snapshot[rel] = 'dir';
        walk(path);
      } else snapshot[rel] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root);
  return snapshot;
}
