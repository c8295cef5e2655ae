import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';

/**
 * The interpreter that runs a buildout: the one bin/buildout starts with (its `#!` line),
 * which for a team whose buildout lives in a virtualenv is that virtualenv's Python,
 * else Debian's python3. Its zc.buildout decides how the configs read (section
 * conditions, the eggs directory's layout), and a target releases with it unless its
 * python option names another.
 */
export function buildoutPythonOf(buildoutDirectory: string): string {
  return buildoutScriptPython(join(buildoutDirectory, 'bin')) ?? BUILDOUT_PYTHON;
}

/**
 * The interpreter on bin/buildout's first line; undefined when there is no bin/buildout
 * or its first line names no interpreter that exists.
 */
export function buildoutScriptPython(binDirectory: string): string | undefined {
  let firstLine: string;
  try {
    firstLine = readFileSync(join(binDirectory, 'buildout'), 'utf8').split('\n', 1)[0]!;
  } catch {
    return undefined;
  }
  const interpreter = /^#!\s*(\/\S+)\s*$/.exec(firstLine)?.[1];
  return interpreter && existsSync(interpreter) ? interpreter : undefined;
}
