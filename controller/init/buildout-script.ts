import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { PYTHON_HELPERS_DIR } from '../release/python-script.ts';

/**
 * A bin/buildout for a buildout that has none (the example, a fresh checkout):
 * Hostout's launcher of Debian's zc.buildout (which needs it on Python 3.10+),
 * with the given interpreter on its first line. An existing bin/buildout is
 * the team's own and is never replaced. Returns true when it wrote one.
 */
export function provideBuildoutScript(binDirectory: string, python: string): boolean {
  const script = join(binDirectory, 'buildout');
  if (existsSync(script)) return false;
  const launcher = readFileSync(join(PYTHON_HELPERS_DIR, 'buildout_launcher.py'), 'utf8');
  writeFileAtomic(script, `#!${python}\n${launcher}`, { mode: 0o755 });
  return true;
}

