import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import type { Target } from '../target/target.ts';
import { remoteExtendsEntries } from './extends-cache-entries.ts';

export interface ArchiveEntry {
  /** POSIX path inside the archive */
  archivePath: string;
  sourcePath: string;
}

const NEVER_PACKED = new Set(['.git', '.hg', '.svn', '.bzr', '__pycache__', '.hostout', 'node_modules']);

/**
 * Production must install released eggs, never source checkouts: a `develop`
 * anywhere in the production config's extends chain is refused, by file and line.
 */
export function refuseDevelopInProduction(production: BuildoutConfig): void {
  for (const file of production.rawFiles) {
    for (const section of file.sections) {
      if (section.name !== 'buildout') continue;
      const develop = section.options.find((o) => o.key === 'develop' && o.op !== '-=' && o.value.trim() !== '');
      if (develop) {
        throw new ReleaseError(`the production config uses develop (${develop.value.trim().split(/\s+/).join(', ')}); production installs released eggs only`, {
          where: `${develop.file}:${develop.line}`,
          hint: 'move the develop line to dev.cfg; `ctl release` turns those packages into eggs and pins them',
        });
      }
    }
  }
}

/**
 * What goes into the buildout archive: the production config and its extends
 * chain (remote files as an extends cache) and the files the target's `include`
 * names, at their paths relative to the buildout directory. `written` are the
 * archive paths the release writes itself (the pins file, hostout.cfg): a chain
 * file there is left out, as the release writes it anew.
 */
export function composeArchiveEntries(
  target: Target,
  production: BuildoutConfig,
  written: readonly string[],
  developDirs: readonly string[],
): ArchiveEntry[] {
  const root = target.buildoutDirectory;
  const entries = new Map<string, ArchiveEntry>();
  for (const file of production.files) {
    const archivePath = insideBuildout(root, file, `the production config extends ${file}, which is outside the buildout directory ${root}`);
    if (!written.includes(archivePath)) entries.set(archivePath, { archivePath, sourcePath: file });
  }
  for (const entry of remoteExtendsEntries(production)) entries.set(entry.archivePath, entry);
  for (const item of target.include) {
    const path = isAbsolute(item) ? item : resolve(root, item);
    const where = `[${target.name}] include`;
    if (!existsSync(path)) throw new ReleaseError(`include names ${item}, which does not exist`, { where, hint: `paths are relative to ${root}` });
    insideBuildout(root, path, `include names ${item}, which is outside the buildout directory`);
    const checkout = developDirs.find((d) => path === d || path.startsWith(d + sep) || d.startsWith(path + sep));
    if (checkout) {
      throw new ReleaseError(`include names ${item}, which holds the source checkout ${relative(root, checkout)}`, {
        where,
        hint: 'source checkouts never go to production: they are shipped as released eggs',
      });
    }
    for (const file of walkFiles(path)) {
      const archivePath = insideBuildout(root, file, '');
      if (written.includes(archivePath)) {
        throw new ReleaseError(`include names ${item}, which holds ${archivePath}: the release writes that file itself`, {
          where,
          hint: `leave ${archivePath} out of include (or set the target's versions-file to another name)`,
        });
      }
      entries.set(archivePath, { archivePath, sourcePath: file });
    }
  }
  return [...entries.values()].sort((a, b) => (a.archivePath < b.archivePath ? -1 : 1));
}

/** Where the pins file lies in the archive: the target's versions-file, inside the buildout directory. */
export function versionsFileArchivePath(target: Target): string {
  return insideBuildout(target.buildoutDirectory, resolve(target.buildoutDirectory, target.versionsFile), `versions-file names ${target.versionsFile}, which is outside the buildout directory`);
}

function insideBuildout(root: string, file: string, message: string): string {
  const rel = relative(root, file);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new ReleaseError(message, { where: file, hint: 'keep production files inside the buildout directory so they can be shipped' });
  }
  return rel.split(sep).join('/');
}

function walkFiles(path: string): string[] {
  const stat = lstatSync(path);
  if (stat.isFile()) return [path];
  if (!stat.isDirectory()) return [];
  return readdirSync(path)
    .filter((name) => !NEVER_PACKED.has(name) && !name.endsWith('.pyc'))
    .sort()
    .flatMap((name) => walkFiles(join(path, name)));
}
