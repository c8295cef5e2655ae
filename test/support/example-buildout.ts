import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runCommand } from './ctl.ts';

export const DEBIAN_PYTHON = '/usr/bin/python3';
export const BUILDOUT_LAUNCHER = `${REPO_ROOT}shared/python/buildout_launcher.py`;

/** A fresh copy of the example buildout in a temp dir, as a team's checkout would be. */
export function copyExampleBuildout(prefix = 'hostout-example-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(REPO_ROOT, 'example'), dir, {
    recursive: true,
    filter: (src) => !/\/(\.hostout|eggs|develop-eggs|bin|parts|var|\.installed\.cfg)$/.test(src),
  });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Runs real zc.buildout (Debian's, through Hostout's launcher) in `dir`. */
export async function runBuildout(dir: string, args: readonly string[] = []) {
  const result = await runCommand(DEBIAN_PYTHON, [BUILDOUT_LAUNCHER, ...args], { cwd: dir });
  if (result.code !== 0) throw new Error(`buildout ${args.join(' ')} failed in ${dir}:\n${result.stderr}\n${result.stdout}`);
  return result;
}
