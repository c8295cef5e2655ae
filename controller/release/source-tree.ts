import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ReleaseError } from '../../shared/errors.ts';

/**
 * Which files of a develop egg's checkout are its source: what git would track, minus
 * what building, installing or testing the package leaves behind. The release hash is
 * taken over exactly these, so it must not move when buildout or bdist_egg runs.
 */

/** Left out at any depth: bytecode caches, version control data, tool caches. */
const SKIPPED_NAMES = new Set([
  '__pycache__', '.git', '.hg', '.svn', '.bzr',
  '.tox', '.nox', '.venv', '.pytest_cache', '.mypy_cache', '.ruff_cache',
]);

/** Left out at the top only, where setuptools writes its output; deeper, `build/` may be a real subpackage. */
const SKIPPED_NAMES_AT_TOP = new Set(['build', 'dist', '.eggs']);

/** A .gitignore's rules and the directory (relative, with a trailing slash, '' for the top) they apply from. */
interface IgnoreLevel {
  base: string;
  rules: Ignore;
}

/** Relative POSIX paths of the source files in `packageDir`, sorted; symlinks are listed, never followed. */
export function listSourceFiles(packageDir: string): string[] {
  requireDirectory(packageDir);
  const files: string[] = [];
  collectSourceFiles(packageDir, '', [], files);
  return files.sort();
}

function collectSourceFiles(root: string, relDir: string, outerLevels: readonly IgnoreLevel[], out: string[]): void {
  const entries = readDirectory(join(root, relDir));
  const levels = withGitignoreOf(root, relDir, entries, outerLevels);
  for (const entry of entries) {
    const relPath = relDir + entry.name;
    // dirent types come from lstat, so a symlink to a directory is not a directory here.
    const isDirectory = entry.isDirectory();
    if (isBuildOrToolOutput(entry.name, relDir === '')) continue;
    if (isGitIgnored(levels, isDirectory ? `${relPath}/` : relPath)) continue;
    if (isDirectory) collectSourceFiles(root, `${relPath}/`, levels, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(relPath);
  }
}

function isBuildOrToolOutput(name: string, atTop: boolean): boolean {
  if (SKIPPED_NAMES.has(name)) return true;
  if (name.endsWith('.egg-info') || name.endsWith('.pyc') || name.endsWith('.pyo')) return true;
  return atTop && (SKIPPED_NAMES_AT_TOP.has(name) || name.endsWith('.egg'));
}

/**
 * Git's precedence: the deepest .gitignore with a rule matching the path decides, and
 * within one file the last matching rule does, so `!pattern` can re-include.
 */
function isGitIgnored(levels: readonly IgnoreLevel[], relPath: string): boolean {
  let ignored = false;
  for (const { base, rules } of levels) {
    const verdict = rules.test(relPath.slice(base.length));
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}

function withGitignoreOf(root: string, relDir: string, entries: readonly Dirent[], outer: readonly IgnoreLevel[]): readonly IgnoreLevel[] {
  const gitignore = entries.find((e) => e.name === '.gitignore' && e.isFile());
  if (!gitignore) return outer;
  const path = join(root, relDir, '.gitignore');
  // Case-sensitive whatever the platform, so every machine lists the same files.
  const rules = ignore({ ignorecase: false }).add(readText(path));
  return [...outer, { base: relDir, rules }];
}

function requireDirectory(packageDir: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(packageDir).isDirectory();
  } catch (error) {
    throw new ReleaseError('develop egg directory not found', {
      where: packageDir,
      hint: 'check the develop = option of the buildout, or check the package out',
      cause: error,
    });
  }
  if (!isDirectory) {
    throw new ReleaseError('a develop egg must be a directory', {
      where: packageDir,
      hint: 'develop = lists package directories (the folders holding setup.py)',
    });
  }
}

function readDirectory(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw sourceReadError(dir, error);
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw sourceReadError(path, error);
  }
}

/** Why a develop egg's file or directory could not be read, and what to do about it. */
export function sourceReadError(path: string, error: unknown): ReleaseError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') return sourceChangedError(path, error);
  return new ReleaseError(`cannot read the develop egg's sources (${code ?? String(error)})`, {
    where: path,
    hint: 'make it readable by the user running ctl, or list it in .gitignore',
    cause: error,
  });
}

/** A file vanished or changed type between listing and reading. */
export function sourceChangedError(path: string, cause?: unknown): ReleaseError {
  return new ReleaseError('a source file changed while it was being read', {
    where: path,
    hint: 'run again once checkouts, editors or builds have finished writing',
    cause,
  });
}
