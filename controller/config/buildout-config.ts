/**
 * The configuration zc.buildout 2.13 computes from a top file and command-line
 * overrides, in the order Buildout.__init__ builds it.
 * User defaults (~/.buildout/default.cfg) are deliberately not read: a release must
 * not depend on the home directory of whoever plans it.
 */
import type { RawBuildoutFile } from './buildout-file.ts';
import { buildoutDefaults, withDefaultVersions } from './buildout-defaults.ts';
import { absolutizeCacheDirectories, finishStandardDirectories, joinStandardDirectories } from './buildout-directories.ts';
import { readExtendsChain } from './buildout-extends.ts';
import { checkBuildoutSection } from './buildout-section-checks.ts';
import { parseCommandLineOverrides } from './command-line-overrides.ts';
import { resolveSections } from './resolved-sections.ts';
import { layerConfig, type ConfigValue } from './section-merge.ts';

export type { ConfigValue } from './section-merge.ts';
export { COMMAND_LINE_VALUE, COMPUTED_VALUE, DEFAULT_VALUE } from './section-merge.ts';

export interface BuildoutConfig {
  topFile: string;
  /** Every file read, absolute: the top file first, then depth-first in `extends` order. */
  files: string[];
  rawFiles: RawBuildoutFile[];
  /** Substituted value. Throws ConfigError if the section holds a bad reference. */
  get(section: string, option: string): string | undefined;
  /** `file` is a path, or DEFAULT_VALUE, COMPUTED_VALUE or COMMAND_LINE_VALUE with line 0. */
  option(section: string, option: string): ConfigValue | undefined;
  sectionNames(): string[];
  section(name: string): Map<string, string> | undefined;
}

/**
 * `overrides` are buildout's command-line assignments: `section:option=value` or `option=value`.
 * `notYetWritten`: absolute paths of extended files that may be missing and then read as empty.
 */
export function loadBuildoutConfig(topFile: string, overrides: string[] = [], notYetWritten: ReadonlySet<string> = new Set()): BuildoutConfig {
  const { files, rawFiles, sections: fromFiles } = readExtendsChain(topFile, notYetWritten);
  const top = files[0] as string;

  let definitions = layerConfig(buildoutDefaults(top), fromFiles);
  definitions = layerConfig(definitions, parseCommandLineOverrides(overrides));
  definitions = withDefaultVersions(definitions);
  definitions = absolutizeCacheDirectories(definitions);
  definitions = joinStandardDirectories(definitions);

  // Buildout substitutes [buildout] and the versions section while starting up, so
  // their errors surface here; other sections are substituted when first asked for.
  const sections = resolveSections(definitions);
  finishStandardDirectories(sections);
  checkBuildoutSection(sections.section('buildout') ?? new Map());
  const versionsName = sections.section('buildout')?.get('versions')?.value;
  if (versionsName) sections.section(versionsName);

  const option = (section: string, name: string): ConfigValue | undefined => sections.section(section)?.get(name);
  return {
    topFile: top,
    files,
    rawFiles,
    get: (section, name) => option(section, name)?.value,
    option,
    sectionNames: () => sections.names(),
    section(name) {
      const values = sections.section(name);
      return values && new Map([...values].map(([key, { value }]) => [key, value]));
    },
  };
}
