import { ReleaseError } from '../../shared/errors.ts';
import { askPython } from '../config/python-answer.ts';

/**
 * "3.11" for the python that builds the develop eggs: their py tag, so a dry run can
 * name an egg it does not build.
 */
export function pythonMajorMinor(python: string, where: string): string {
  try {
    return askPython(python, 'import sys; print("%d.%d" % sys.version_info[:2])');
  } catch (cause) {
    throw new ReleaseError(`${python} cannot be run to ask its version`, { where, hint: 'set the target\'s python to Debian\'s /usr/bin/python3 (with python3-zc.buildout)', cause });
  }
}
