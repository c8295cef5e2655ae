/**
 * The ABI tag zc.buildout's pep425tags.get_abi_tag gives for the interpreter buildout
 * runs under (`cp311` for CPython 3.11): what `abi-tag-eggs = true` appends to the eggs
 * directory. Asked of the interpreter, since only it knows its SOABI.
 */
import { ConfigError } from '../../shared/errors.ts';
import { PRINT_ABI_TAG } from '../../shared/python-abi-tag-query.ts';
import { askPython } from './python-answer.ts';

export function pythonAbiTag(python: string, where: string): string {
  try {
    return askPython(python, PRINT_ABI_TAG);
  } catch (cause) {
    throw new ConfigError(`abi-tag-eggs needs the ABI tag of ${python}, which cannot be run`, {
      where,
      hint: `install ${python} (Debian's python3 with python3-zc.buildout), or set abi-tag-eggs = false`,
      cause,
    });
  }
}
