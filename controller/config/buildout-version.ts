import { ConfigError } from '../../shared/errors.ts';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';
import { askPython } from './python-answer.ts';

/**
 * The major version of the zc.buildout `python` runs, where the way configs are read
 * depends on it (zc.buildout 5's eggs/v5). Debian's python3-zc.buildout (2.13 in
 * Debian 12, 3.x after) is not asked: every command would pay a Python start for it.
 */
export function buildoutMajorVersion(python: string): number {
  if (python === BUILDOUT_PYTHON) return 2;
  let version: string;
  try {
    version = askPython(python, 'from importlib.metadata import version; print(version("zc.buildout"))');
  } catch (cause) {
    throw new ConfigError(`${python}, which runs this buildout, cannot say which zc.buildout it holds`, {
      hint: 'bin/buildout (or the target\'s python option) names that interpreter: install zc.buildout in it, or point it at the one that holds it',
      cause,
    });
  }
  return Number(version.split('.')[0]);
}
