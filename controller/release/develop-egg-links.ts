import { mkdirSync } from 'node:fs';
import { runPythonHelper } from './python-script.ts';

/**
 * Makes develop packages visible to buildout the way `setup.py develop` does (an
 * `.egg-link` in the develop-eggs directory, the egg-info beside the code), for all
 * packages in one Python process instead of one per package. Returns the packages
 * it left to buildout's own develop (C extensions, unusual setup.py), with why.
 */
export async function writeDevelopEggLinks(python: string, developEggsDir: string, packageDirs: readonly string[]): Promise<{ leftToBuildout: { dir: string; reason: string }[] }> {
  if (packageDirs.length === 0) return { leftToBuildout: [] };
  mkdirSync(developEggsDir, { recursive: true });
  const { stdout } = await runPythonHelper(python, 'write_develop_eggs.py', [developEggsDir, ...packageDirs], { what: 'writing the develop eggs for resolution' });
  const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { dir: string; written: boolean; reason?: string });
  const answered = new Set(lines.map((line) => line.dir));
  return {
    leftToBuildout: [
      ...lines.filter((line) => !line.written).map((line) => ({ dir: line.dir, reason: line.reason ?? 'not written' })),
      ...packageDirs.filter((dir) => !answered.has(dir)).map((dir) => ({ dir, reason: 'no answer from the helper' })),
    ],
  };
}
