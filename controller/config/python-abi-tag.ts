/**
 * The ABI tag zc.buildout's pep425tags.get_abi_tag gives for the interpreter buildout
 * runs under (`cp311` for CPython 3.11): what `abi-tag-eggs = true` appends to the eggs
 * directory. Asked of the interpreter once per process, since only it knows its SOABI.
 */
import { execFileSync } from 'node:child_process';
import { ConfigError } from '../../shared/errors.ts';
import { PRINT_ABI_TAG } from '../../shared/python-abi-tag-query.ts';

const known = new Map<string, string>();

export function pythonAbiTag(python: string, where: string): string {
  const cached = known.get(python);
  if (cached) return cached;
  let tag: string;
  try {
    tag = execFileSync(python, ['-c', PRINT_ABI_TAG], { encoding: 'utf8' }).trim();
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
