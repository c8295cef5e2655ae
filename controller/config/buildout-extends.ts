/**
 * Reads a buildout file and everything it extends, layered the way zc.buildout's
 * _open does: the first extended file is the base, each further one is layered on
 * it, and the extending file is layered last. Extended URLs are downloaded as buildout
 * downloads them (extends-download.ts); names inside a remote file resolve against its URL.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { decodeBuildoutText, parseBuildoutFile, parseBuildoutText, type RawBuildoutFile } from './buildout-file.ts';
import { downloadExtendsFile, extendsDownloadSettings, type ExtendsDownloadSettings } from './extends-download.ts';
import { definitionsOfFile, layerConfig, type ConfigDefinitions, type ConfigValue, type SectionDefinitions } from './section-merge.ts';

/** A configuration file read from a URL, and the local file holding the bytes that were read. */
export interface RemoteConfigFile {
  url: string;
  /** file:line of the first `extends` that named it */
  extendedAt: string;
  content: Buffer;
  /** its copy in the extends cache, when one is in use */
  cachedPath?: string;
}

export interface ExtendedConfig {
  /** Every local file read, absolute, top file first, then depth-first in `extends` order. */
  files: string[];
  /** Every file read, local or remote (whose path is its URL), in the same order. */
  rawFiles: RawBuildoutFile[];
  remoteFiles: RemoteConfigFile[];
  /** The extends cache remote files were read through, when there is one. */
  extendsCache?: string;
  sections: ConfigDefinitions;
}

export interface ExtendsReadOptions {
  /** buildout's default [buildout] options, with the computed directory */
  defaults: SectionDefinitions;
  /** the command line's [buildout] assignments */
  overrides: SectionDefinitions;
  /** the cache to use when the configuration names no extends-cache */
  hostoutExtendsCache?: string;
  /** URLs an earlier read by the same command already refreshed; added to as URLs are read */
  refreshedUrls?: Set<string>;
  /**
   * Absolute paths of extended files that may be missing and then read as empty:
   * Hostout writes them (the pins file) when it releases.
   */
  notYetWritten?: ReadonlySet<string>;
  /** the interpreter whose zc.buildout decides conditional section headers */
  buildoutPython?: string;
}

// Buildout's own test (_isurl) for names it would download.
const LOOKS_LIKE_URL = /^[a-zA-Z0-9+.-]+:\/\//;

export function isConfigUrl(name: string): boolean {
  return LOOKS_LIKE_URL.test(name);
}

/** The top file, absolute; relative to the working directory, as on buildout's command line. */
export function locateTopConfigFile(topFile: string): string {
  return locateLocalFile(topFile, process.cwd());
}

/** `topFile` is absolute (locateTopConfigFile). */
export function readExtendsChain(topFile: string, options: ExtendsReadOptions): ExtendedConfig {
  const rawFiles = new Map<string, RawBuildoutFile>();
  const remoteFiles = new Map<string, RemoteConfigFile>();
  const including: string[] = [];
  let download: ExtendsDownloadSettings | undefined;

  const readRemote = (url: string, where: string): RawBuildoutFile => {
    const known = remoteFiles.get(url);
    const firstTime = known === undefined && !options.refreshedUrls?.has(url);
    const fetched = downloadExtendsFile(url, download!, firstTime, where);
    options.refreshedUrls?.add(url);
    if (!known) remoteFiles.set(url, { url, extendedAt: where, ...fetched });
    return parseBuildoutText(decodeBuildoutText(fetched.content, url), url, options.buildoutPython);
  };

  const read = (file: string, extendedAt?: string): ConfigDefinitions => {
    const raw = isConfigUrl(file)
      ? readRemote(file, extendedAt!)
      : rawFiles.get(file) ?? (options.notYetWritten?.has(file) && !existsSync(file) ? parseBuildoutText('', file) : parseBuildoutFile(file, options.buildoutPython));
    rawFiles.set(file, raw);

    const sections = definitionsOfFile(raw);
    const buildout = sections.get('buildout');
    const extendsOption = buildout?.get('extends');
    buildout?.delete('extends');
    rejectExtendedBy(buildout?.get('extended-by'));
    if (!extendsOption?.value) return sections;
    // Only the top file's [buildout] decides how extended files are downloaded, and buildout
    // reads those settings (and refuses a bad `newest`) only when it opens an extended file.
    download ??= extendsDownloadSettings(options.defaults, options.overrides, buildout ?? new Map(), options.hostoutExtendsCache);

    including.push(file);
    let extended: ConfigDefinitions | undefined;
    for (const name of extendsOption.value.split(/\s+/).filter(Boolean)) {
      const next = locateExtendedFile(name, file, extendsOption, options.notYetWritten);
      if (including.includes(next)) throw extendsCycle([...including, next], extendsOption);
      const nextSections = read(next, `${extendsOption.file}:${extendsOption.line}`);
      extended = extended ? layerConfig(extended, nextSections) : nextSections;
    }
    including.pop();
    return extended ? layerConfig(extended, sections) : sections;
  };

  const sections = read(topFile);
  return {
    files: [...rawFiles.keys()].filter((file) => !isConfigUrl(file)),
    rawFiles: [...rawFiles.values()],
    remoteFiles: [...remoteFiles.values()],
    extendsCache: remoteFiles.size > 0 ? download?.cacheDirectory : undefined,
    sections,
  };
}

/**
 * Where an extended name points, as _open computes it: a URL as written; inside a remote
 * file an absolute path stays local and any other name is appended to the file's URL
 * directory (no normalising: buildout neither); otherwise relative to the extending file.
 */
function locateExtendedFile(name: string, extendingFile: string, extendsOption: ConfigValue, notYetWritten?: ReadonlySet<string>): string {
  if (isConfigUrl(name)) return name;
  if (isConfigUrl(extendingFile) && !name.startsWith('/')) {
    return `${extendingFile.slice(0, extendingFile.lastIndexOf('/'))}/${name}`;
  }
  return locateLocalFile(name, isConfigUrl(extendingFile) ? '/' : dirname(extendingFile), extendsOption, notYetWritten);
}

function locateLocalFile(name: string, baseDir: string, extendsOption?: ConfigValue, notYetWritten: ReadonlySet<string> = new Set()): string {
  const path = resolve(baseDir, name);
  if (!existsSync(path) && !notYetWritten.has(path)) {
    throw new ConfigError(`buildout file not found: ${path}`, {
      where: extendsOption ? `${extendsOption.file}:${extendsOption.line}` : path,
      hint: extendsOption
        ? 'fix the name in `extends`; relative names start from the directory of the file that extends'
        : 'pass the path of your buildout.cfg',
    });
  }
  return path;
}

function extendsCycle(files: string[], closingOption: ConfigValue): ConfigError {
  const cycle = files.slice(files.indexOf(files.at(-1) as string));
  return new ConfigError(`extends cycle: ${cycle.join(' -> ')}`, {
    where: `${closingOption.file}:${closingOption.line}`,
    hint: 'a file cannot extend itself, directly or through other files; remove one `extends` entry',
  });
}

function rejectExtendedBy(option: ConfigValue | undefined): void {
  if (!option) return;
  throw new ConfigError('the `extended-by` option is no longer supported by buildout', {
    where: `${option.file}:${option.line}`,
    hint: 'list the files in `extends` of the top file instead',
  });
}
