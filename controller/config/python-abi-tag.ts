/**
 * The ABI tag zc.buildout's pep425tags.get_abi_tag gives for the interpreter buildout
 * runs under (`cp311` for CPython 3.11): what `abi-tag-eggs = true` appends to the eggs
 * directory. Asked of the interpreter once per process, since only it knows its SOABI.
 */
import { execFileSync } from 'node:child_process';
import { ConfigError } from '../../shared/errors.ts';

// CPython 3 always has SOABI ("cpython-311-x86_64-linux-gnu"); the rest is buildout's rule
// for interpreters without one, where the d/m/u flags only exist before Python 3.8.
const ASK_ABI_TAG = `
import sys, sysconfig
soabi = sysconfig.get_config_var('SOABI')
if soabi and soabi.startswith('cpython-'):
    print('cp' + soabi.split('-')[1])
elif soabi:
    print(soabi.replace('.', '_').replace('-', '_'))
else:
    print('cp' + (sysconfig.get_config_var('py_version_nodot') or '%d%d' % sys.version_info[:2]))
`;

const known = new Map<string, string>();

export function pythonAbiTag(python: string, where: string): string {
  const cached = known.get(python);
  if (cached) return cached;
  let tag: string;
  try {
    tag = execFileSync(python, ['-c', ASK_ABI_TAG], { encoding: 'utf8' }).trim();
  } catch (cause) {
    throw new ConfigError(`abi-tag-eggs needs the ABI tag of ${python}, which cannot be run`, {
      where,
      hint: `install ${python} (Debian's python3 with python3-zc.buildout), or set abi-tag-eggs = false`,
      cause,
    });
  }
  known.set(python, tag);
  return tag;
}
