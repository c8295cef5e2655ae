import { execFileSync } from 'node:child_process';
import { ReleaseError } from '../../shared/errors.ts';

const known = new Map<string, string>();

/**
 * "3.11" for the python that builds the develop eggs: their py tag, so a dry run can
 * name an egg it does not build. Asked once per process.
 */
export function pythonMajorMinor(python: string, where: string): string {
  const cached = known.get(python);
  if (cached) return cached;
  let version: string;
  try {
    version = execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim();
  } catch (cause) {
    throw new ReleaseError(`${python} cannot be run to ask its version`, { where, hint: 'set the target\'s python to Debian\'s /usr/bin/python3 (with python3-zc.buildout)', cause });
  }
  known.set(python, version);
  return version;
}
