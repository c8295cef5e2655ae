/**
 * Decides conditional section headers such as `[versions:python3]`.
 * Buildout evals a Python expression; we accept the part people use in practice:
 * buildout's predefined names combined with `not`, `and`, `or` and parentheses.
 */
import { arch, endianness, platform } from 'node:os';
import { ConfigError } from '../../shared/errors.ts';

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

/** `where` is the header's file:line, used in the error when the expression is not supported. */
export function isSectionConditionTrue(expression: string, where: string): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let next = 0;
  const unsupported = (): ConfigError =>
    new ConfigError(`unsupported section condition "${expression.trim()}"`, {
      where,
      hint: "combine buildout's predefined names (python3, linux, macosx, windows, posix, bits64, ...) with not, and, or and parentheses",
    });

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

  const result = orExpr();
  if (next !== tokens.length) throw unsupported();
  return result;
}
