import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';

/**
 * The package directories a `develop` option names, as zc.buildout reads it:
 * each entry relative to the buildout directory, a shell-style glob
 * (`src/*`, sorted per entry) or a path to a package's setup.py. An entry
 * that names nothing is an error here (buildout only warns): a release must
 * not silently leave a package out.
 */
export function expandDevelopEntries(entries: readonly string[], buildoutDirectory: string, where: string | undefined): string[] {
  const dirs: string[] = [];
  for (const entry of entries) {
    const path = isAbsolute(entry) ? entry : resolve(buildoutDirectory, entry);
    const matches = hasGlob(path) ? globPath(path) : statSync(path, { throwIfNoEntry: false }) ? [path] : [];
    if (matches.length === 0) {
      throw new ConfigError(`develop names ${entry}, which ${hasGlob(entry) ? 'matches nothing' : 'does not exist'} (in ${buildoutDirectory})`, {
        where,
        hint: 'check out the package there, or remove it from develop',
      });
    }
    for (const match of matches) {
      const dir = statSync(match).isDirectory() ? match : dirname(match); // buildout accepts src/pkg/setup.py too
      if (!dirs.includes(dir)) dirs.push(dir);
    }
  }
  return dirs;
}

function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** Python's glob.glob: segment by segment; wildcards do not match a leading dot. Sorted, as buildout sorts. */
function globPath(pattern: string): string[] {
  const segments = pattern.split(sep).filter(Boolean);
  let found: string[] = [sep];
  for (const segment of segments) {
    if (!hasGlob(segment)) {
      found = found.map((dir) => join(dir, segment)).filter((path) => statSync(path, { throwIfNoEntry: false }));
      continue;
    }
    const matcher = segmentMatcher(segment);
    found = found.flatMap((dir) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return [];
      }
      return names.filter((name) => matcher.test(name) && !(name.startsWith('.') && !segment.startsWith('.'))).map((name) => join(dir, name));
    });
  }
  return found.sort();
}

/** fnmatch: `*` any run, `?` one character, `[abc]`/`[!abc]` a set; everything else literal. */
function segmentMatcher(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[' && segment.indexOf(']', i + 2) !== -1) {
      const end = segment.indexOf(']', i + 2);
      let set = segment.slice(i + 1, end);
      if (set.startsWith('!')) set = `^${set.slice(1)}`;
      source += `[${set.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

