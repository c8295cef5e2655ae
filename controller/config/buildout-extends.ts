/**
 * Reads a buildout file and everything it extends, layered the way zc.buildout's
 * _open does: the first extended file is the base, each further one is layered on
 * it, and the extending file is layered last.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { parseBuildoutFile, parseBuildoutText, type RawBuildoutFile } from './buildout-file.ts';
import { definitionsOfFile, layerConfig, type ConfigDefinitions, type ConfigValue } from './section-merge.ts';

export interface ExtendedConfig {
  /** Every file read, absolute, top file first, then depth-first in `extends` order. */
  files: string[];
  rawFiles: RawBuildoutFile[];
  sections: ConfigDefinitions;
}

// Buildout's own test (_isurl) for names it would download.
const LOOKS_LIKE_URL = /^[a-zA-Z0-9+.-]+:\/\//;

/**
 * `topFile` may be relative to the working directory, as on buildout's command line.
 * A file in `notYetWritten` (absolute) that an `extends` names but that does not
 * exist reads as empty: Hostout writes it (the pins file) when it releases.
 */
export function readExtendsChain(topFile: string, notYetWritten: ReadonlySet<string> = new Set()): ExtendedConfig {
  const rawFiles = new Map<string, RawBuildoutFile>();
  const including: string[] = [];

  const read = (file: string): ConfigDefinitions => {
    const raw = rawFiles.get(file) ?? (notYetWritten.has(file) && !existsSync(file) ? parseBuildoutText('', file) : parseBuildoutFile(file));
    rawFiles.set(file, raw);

    const sections = definitionsOfFile(raw);
    const buildout = sections.get('buildout');
    const extendsOption = buildout?.get('extends');
    buildout?.delete('extends');
    rejectExtendedBy(buildout?.get('extended-by'));
    if (!extendsOption?.value) return sections;

    including.push(file);
    let extended: ConfigDefinitions | undefined;
    for (const name of extendsOption.value.split(/\s+/).filter(Boolean)) {
      const path = locateConfigFile(name, dirname(file), extendsOption, notYetWritten);
      if (including.includes(path)) throw extendsCycle([...including, path], extendsOption);
      const next = read(path);
      extended = extended ? layerConfig(extended, next) : next;
    }
    including.pop();
    return extended ? layerConfig(extended, sections) : sections;
  };

  const sections = read(locateConfigFile(topFile, process.cwd()));
  return { files: [...rawFiles.keys()], rawFiles: [...rawFiles.values()], sections };
}

/**
 * Where a configuration file named on the command line or in `extends` lives; relative
 * names start from `baseDir`. Errors point at the `extends` line when there is one.
 */
function locateConfigFile(name: string, baseDir: string, extendsOption?: ConfigValue, notYetWritten: ReadonlySet<string> = new Set()): string {
  const where = extendsOption && `${extendsOption.file}:${extendsOption.line}`;
  if (LOOKS_LIKE_URL.test(name)) {
    throw new ConfigError(`buildout files from URLs are not supported: ${name}`, {
      where: where ?? name,
      hint: 'download the file next to your buildout and use the local copy',
    });
  }
  const path = resolve(baseDir, name);
  if (!existsSync(path) && !notYetWritten.has(path)) {
    throw new ConfigError(`buildout file not found: ${path}`, {
      where: where ?? path,
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
