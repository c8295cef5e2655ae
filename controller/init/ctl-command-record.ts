import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';

/**
 * Where `ctl init` records the command that runs it, in the buildout directory.
 * collective.recipe.hostout reads it (ctl_command.py) when bin/buildout installs
 * the part, so bin/<part> runs this ctl by absolute paths, whatever PATH says.
 */
export const CTL_COMMAND_RECORD = join('.hostout', 'ctl-command.json');

/** node and the launcher of this ctl (bin/ctl.js), absolute and without symlinks. */
export function thisCtlCommand(): string[] {
  return [process.execPath, realpathSync(fileURLToPath(new URL('../../bin/ctl.js', import.meta.url)))];
}

/** Writes the record when it differs; true when it did. */
export function recordCtlCommand(buildoutDirectory: string, argv: readonly string[]): boolean {
  const file = join(buildoutDirectory, CTL_COMMAND_RECORD);
  const text = `${JSON.stringify({ argv }, null, 1)}\n`;
  let current: string | undefined;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  writeFileAtomic(file, text);
  return true;
}
