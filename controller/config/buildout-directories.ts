/**
 * How buildout makes its directory options absolute. It does so in three places,
 * and each uses a different rule, so each is ported as it is.
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { isConfigUrl } from './buildout-extends.ts';
import { pythonAbiTag } from './python-abi-tag.ts';
import { buildoutMajorVersion } from './buildout-version.ts';
import type { ResolvedSections } from './resolved-sections.ts';
import {
  COMMAND_LINE_VALUE, COMPUTED_VALUE, DEFAULT_VALUE, type ConfigDefinitions, type ConfigValue,
} from './section-merge.ts';

const CACHE_DIRECTORIES = ['download-cache', 'eggs-directory', 'extends-cache'];
const STANDARD_DIRECTORIES = ['bin-directory', 'parts-directory', 'eggs-directory', 'develop-eggs-directory'];
const NOT_FROM_A_FILE = [DEFAULT_VALUE, COMPUTED_VALUE, COMMAND_LINE_VALUE];

/**
 * Before substitution: cache directories written relative are relative to the file that
 * set them (or to buildout:directory for defaults and command-line values); `~` is expanded.
 */
export function absolutizeCacheDirectories(definitions: ConfigDefinitions): ConfigDefinitions {
  const buildout = new Map(definitions.get('buildout'));
  for (const name of CACHE_DIRECTORIES) {
    const option = buildout.get(name);
    if (!option || option.value.includes('${') || isAbsolute(option.value)) continue;
    if (isConfigUrl(option.file)) {
      throw new ConfigError(`buildout:${name} is set to the relative "${option.value}" in a remote file, which buildout refuses as ambiguous`, {
        where: `${option.file}:${option.line}`,
        hint: `set ${name} to an absolute path, or set it in a local file`,
      });
    }
    const base = NOT_FROM_A_FILE.includes(option.file)
      ? buildout.get('directory')?.value ?? process.cwd()
      : dirname(option.file);
    buildout.set(name, { ...option, value: resolve(base, expandHome(option.value)) });
  }
  return new Map(definitions).set('buildout', buildout);
}

/** Before substitution: the standard directories are joined to the raw buildout:directory. */
export function joinStandardDirectories(definitions: ConfigDefinitions): ConfigDefinitions {
  const buildout = new Map(definitions.get('buildout'));
  const directory = buildout.get('directory');
  if (!directory) return definitions;
  for (const name of STANDARD_DIRECTORIES) {
    const option = buildout.get(name) as ConfigValue;
    buildout.set(name, { ...option, value: joinToDirectory(directory.value, option.value) });
  }
  return new Map(definitions).set('buildout', buildout);
}

/**
 * After substitution buildout joins the standard directories again, now to the
 * substituted directory, and anchors `installed` there too.
 */
export function finishStandardDirectories(sections: ResolvedSections): void {
  const buildout = sections.section('buildout');
  const directory = buildout?.get('directory')?.value;
  if (!buildout || directory === undefined) return;
  for (const name of STANDARD_DIRECTORIES) {
    sections.replace('buildout', name, joinToDirectory(directory, buildout.get(name)?.value ?? ''));
  }
  const installed = buildout.get('installed')?.value;
  if (installed) sections.replace('buildout', 'installed', joinLikePython(directory, installed));
}

/**
 * Last, the eggs directory's layout as the running buildout makes it: zc.buildout 5 puts
 * eggs in a subdirectory per egg format (`eggs/v5`, buildout's eggs-directory-version,
 * empty for none); with `abi-tag-eggs = true` then in one named after the ABI of the Python
 * running it (`eggs/cp311`, `eggs/v5/cp313`), so eggs built for another Python are not mixed in.
 */
export function layOutEggsDirectory(sections: ResolvedSections, python: string): void {
  const buildout = () => sections.section('buildout');
  const appendToEggsDirectory = (name: string) => sections.replace('buildout', 'eggs-directory', joinLikePython(buildout()?.get('eggs-directory')?.value ?? '', name));
  const eggsVersion = buildoutMajorVersion(python) >= 5 ? buildout()?.get('eggs-directory-version')?.value ?? 'v5' : '';
  if (eggsVersion) appendToEggsDirectory(eggsVersion);
  const abiTagEggs = buildout()?.get('abi-tag-eggs');
  if (abiTagEggs?.value === 'true') appendToEggsDirectory(pythonAbiTag(python, `${abiTagEggs.file}:${abiTagEggs.line}`));
}

/** Values that still hold a `${` are left alone: buildout cannot know where they point. */
function joinToDirectory(directory: string, value: string): string {
  return value.includes('${') ? value : joinLikePython(directory, value);
}

/** Python's os.path.join: no normalising, so `../bin` stays `/dir/../bin` as in buildout. */
function joinLikePython(base: string, path: string): string {
  if (path.startsWith('/')) return path;
  if (base === '' || base.endsWith('/')) return base + path;
  return `${base}/${path}`;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}
