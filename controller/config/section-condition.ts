/**
 * Decides conditional section headers such as `[versions:python3]`.
 * Buildout evals a Python expression. The part people use most (buildout's predefined
 * names combined with `not`, `and`, `or` and parentheses) is decided here; anything else
 * (`sys.platform == 'linux'`, `sys.version_info[0] > 2`, an unknown name) is handed to the
 * Python buildout runs under, with buildout's own globals, so it is true, false or refused
 * exactly as buildout has it.
 */
import { spawnSync } from 'node:child_process';
import { arch, endianness, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../shared/errors.ts';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';

// The names buildout's _default_globals() defines, for CPython 3 (the project runs
// buildout with /usr/bin/python3) on this machine's operating system and word size.
const SIXTY_FOUR_BIT_ARCHES = ['x64', 'arm64', 'ppc64', 's390x', 'riscv64', 'loong64', 'mips64el'];
const PREDEFINED_NAMES: ReadonlyMap<string, boolean> = new Map([
  ['True', true],
  ['False', false],
  ['python2', false],
  ['python3', true],
  ...['24', '25', '26', '27', '30', '31', '32', '33', '34', '35', '36'].map(
    (minor): [string, boolean] => [`python${minor}`, false],
  ),
  ['cpython', true],
  ['pypy', false],
  ['jython', false],
  ['ironpython', false],
  ['linux', platform() === 'linux'],
  ['windows', platform() === 'win32'],
  ['cygwin', false],
  ['solaris', platform() === 'sunos'],
  ['macosx', platform() === 'darwin'],
  ['posix', platform() !== 'win32'],
  ['bits32', !SIXTY_FOUR_BIT_ARCHES.includes(arch())],
  ['bits64', SIXTY_FOUR_BIT_ARCHES.includes(arch())],
  ['little_endian', endianness() === 'LE'],
  ['big_endian', endianness() === 'BE'],
]);

const EVALUATOR = fileURLToPath(new URL('../../shared/python/eval_section_condition.py', import.meta.url));

/**
 * `where` is the header's file:line, used in the error when buildout would refuse the expression;
 * `python` runs the buildout that reads the file (its zc.buildout's names decide the rest).
 */
export function isSectionConditionTrue(expression: string, where: string, python = BUILDOUT_PYTHON): boolean {
  return predefinedNamesCondition(expression) ?? evaluatedByBuildoutPython(expression, where, python);
}

class NotPredefinedNames extends Error {}

/** The value, or undefined when the expression is more than predefined names and operators. */
function predefinedNamesCondition(expression: string): boolean | undefined {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let next = 0;
  const unsupported = (): NotPredefinedNames => new NotPredefinedNames();

  // Python precedence: `or` binds loosest, then `and`, then `not`.
  const orExpr = (): boolean => {
    let value = andExpr();
    while (tokens[next] === 'or') { next++; value = andExpr() || value; }
    return value;
  };
  const andExpr = (): boolean => {
    let value = notExpr();
    while (tokens[next] === 'and') { next++; value = notExpr() && value; }
    return value;
  };
  const notExpr = (): boolean => {
    if (tokens[next] === 'not') { next++; return !notExpr(); }
    return atom();
  };
  const atom = (): boolean => {
    const token = tokens[next++];
    if (token === '(') {
      const value = orExpr();
      if (tokens[next++] !== ')') throw unsupported();
      return value;
    }
    const value = token === undefined ? undefined : PREDEFINED_NAMES.get(token);
    if (value === undefined) throw unsupported();
    return value;
  };

  try {
    const result = orExpr();
    return next === tokens.length ? result : undefined;
  } catch (error) {
    if (error instanceof NotPredefinedNames) return undefined;
    throw error;
  }
}

const evaluated = new Map<string, { value: boolean } | { error: string; message: string }>();

function evaluatedByBuildoutPython(expression: string, where: string, python: string): boolean {
  const key = `${python}\0${expression}`;
  let result = evaluated.get(key);
  if (!result) {
    const run = spawnSync(python, [EVALUATOR, expression], { encoding: 'utf8' });
    // The answer is the last line: importing buildout may print warnings before it.
    const answer = run.status === 0 ? /^\{.*\}$/m.exec(run.stdout.trim().split('\n').at(-1) ?? '')?.[0] : undefined;
    if (!answer) {
      throw new ConfigError(`the section condition "${expression.trim()}" needs ${python} with zc.buildout to be evaluated, which failed`, {
        where,
        hint: `install Debian's python3-zc.buildout (deploy/install-prerequisites.sh), or write the condition with buildout's predefined names (python3, linux, ...) and not/and/or`,
        cause: run.error ?? run.stderr,
      });
    }
    result = JSON.parse(answer) as { value: boolean } | { error: string; message: string };
    evaluated.set(key, result);
  }
  if ('value' in result) return result.value;
  throw new ConfigError(`buildout cannot evaluate the section condition "${expression.trim()}": ${result.error}: ${result.message}`, {
    where,
    hint: python === BUILDOUT_PYTHON
      ? "zc.buildout 2.13 knows python2, python3, python24 to python36, linux, macosx, windows, posix, bits32/bits64, sys, os, platform and re; newer names such as python38 need buildout 3 or later (run your buildout from a virtualenv with it, and Hostout reads your configs with it)"
      : `the zc.buildout of ${python} does not know that name either (buildout 4.x knows python24 to python39, 5.x up to python315)`,
  });
}
