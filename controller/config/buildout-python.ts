import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';

/**
 * The interpreter that runs a buildout, whose zc.buildout decides how its configs read
 * (section conditions, the eggs directory's layout): the one a deployment target of the
 * top config names as its python (the team's virtualenv), else the one bin/buildout
 * starts with (its `#!` line), else Debian's python3. The target's option is found by a
 * plain scan of the top file, before it is read: reading it already needs the answer.
 */
export function buildoutPythonOf(buildoutDirectory: string, topFile?: string): string {
  return (topFile && targetPythonIn(topFile)) ?? buildoutScriptPython(join(buildoutDirectory, 'bin')) ?? BUILDOUT_PYTHON;
}

const TARGET_RECIPE_LINE = /^recipe\s*=\s*collective\.recipe\.hostout\s*$/;
const PYTHON_LINE = /^python\s*=\s*(\/\S+)\s*$/;

/** The one absolute python the hostout targets of `topFile` name, if they name exactly one that exists. */
function targetPythonIn(topFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(topFile, 'utf8');
  } catch {
    return undefined;
  }
  const pythons = new Set<string>();
  for (const section of text.split(/^\[/m).slice(1)) {
    const lines = section.split('\n').map((l) => l.trimEnd());
    if (!lines.some((l) => TARGET_RECIPE_LINE.test(l))) continue;
    for (const line of lines) {
      const python = PYTHON_LINE.exec(line)?.[1];
      if (python) pythons.add(python);
    }
  }
  const [only] = pythons;
  return pythons.size === 1 && existsSync(only!) ? only : undefined;
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
