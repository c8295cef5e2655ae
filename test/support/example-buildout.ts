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

/**
 * Another release of the example's third-party egg in its find-links folder:
 * the same files, another version in the egg's name and metadata.
 */
export async function addPlainhtmlRelease(dir: string, version: string): Promise<void> {
  const script = `
import sys, zipfile
source, target, version = sys.argv[1:]
with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
    for info in src.infolist():
        data = src.read(info)
        if info.filename == "EGG-INFO/PKG-INFO":
            data = data.replace(b"Version: 1.2", ("Version: " + version).encode())
        dst.writestr(info, data)
`;
  const downloads = join(dir, 'downloads');
  const result = await runCommand(DEBIAN_PYTHON, ['-c', script, join(downloads, 'plainhtml-1.2-py3.11.egg'), join(downloads, `plainhtml-${version}-py3.11.egg`), version]);
  if (result.code !== 0) throw new Error(`could not make plainhtml ${version}: ${result.stderr}`);
}
