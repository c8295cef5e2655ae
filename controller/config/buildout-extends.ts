/**
 * Reads a buildout file and everything it extends, layered the way zc.buildout's
 * _open does: the first extended file is the base, each further one is layered on
 * it, and the extending file is layered last.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { parseBuildoutFile, type RawBuildoutFile } from './buildout-file.ts';
import { definitionsOfFile, layerConfig, type ConfigDefinitions, type ConfigValue } from './section-merge.ts';

export interface ExtendedConfig {
  /** Every file read, absolute, top file first, then depth-first in `extends` order. */
  files: string[];
  rawFiles: RawBuildoutFile[];
  sections: ConfigDefinitions;
}

const URL = /^[a-zA-Z0-9+.-]+:\/\//;

export function readExtendsChain(topFile: string): ExtendedConfig {
  const rawFiles = new Map<string, RawBuildoutFile>();
  const including: string[] = [];

  const read = (file: string): ConfigDefinitions => {
    const cycleStart = including.indexOf(file);
    if (cycleStart >= 0) {
      const cycle = [...including.slice(cycleStart), file];
      throw new ConfigError(`extends cycle: ${cycle.join(' -> ')}`, {
        where: file,
        hint: 'remove one of these files from the `extends` of the file before it',
      });
    }
    const raw = rawFiles.get(file) ?? parseBuildoutFile(file);
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
      const next = read(extendedPath(file, name, extendsOption));
      extended = extended ? layerConfig(extended, next) : next;
    }
    including.pop();
    return extended ? layerConfig(extended, sections) : sections;
  };

  const sections = read(topFile);
  return { files: [...rawFiles.keys()], rawFiles: [...rawFiles.values()], sections };
}

/** Names are relative to the extending file's directory; the error points at its `extends` line. */
function extendedPath(extendingFile: string, name: string, option: ConfigValue): string {
  const where = `${option.file}:${option.line}`;
  if (URL.test(name)) {
    throw new ConfigError(`extends a URL, which is not supported: ${name}`, {
      where,
      hint: 'download the file next to your buildout and extend the local copy',
    });
  }
  const path = resolve(dirname(extendingFile), name);
  if (!existsSync(path)) {
    throw new ConfigError(`extended file not found: ${path}`, {
      where,
      hint: 'fix the name in `extends`; relative names start from the directory of the file that extends',
    });
  }
  return path;
}

function rejectExtendedBy(option: ConfigValue | undefined): void {
  if (!option) return;
  throw new ConfigError('the `extended-by` option is no longer supported by buildout', {
    where: `${option.file}:${option.line}`,
    hint: 'list the files in `extends` of the top file instead',
  });
}
