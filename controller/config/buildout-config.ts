/**
 * The configuration zc.buildout 2.13 computes from a top file and command-line
 * overrides, in the order Buildout.__init__ builds it.
 * User defaults (~/.buildout/default.cfg) are deliberately not read: a release must
 * not depend on the home directory of whoever plans it.
 */
import type { RawBuildoutFile } from './buildout-file.ts';
import { BUILDOUT_PYTHON, buildoutDefaults, withDefaultVersions } from './buildout-defaults.ts';
import { absolutizeCacheDirectories, finishStandardDirectories, joinStandardDirectories, layOutEggsDirectory } from './buildout-directories.ts';
import { locateTopConfigFile, readExtendsChain, type RemoteConfigFile } from './buildout-extends.ts';
import { checkBuildoutSection } from './buildout-section-checks.ts';
import { parseCommandLineOverrides } from './command-line-overrides.ts';
import { resolveSections } from './resolved-sections.ts';
import { layerConfig, type ConfigValue } from './section-merge.ts';

export type { ConfigValue } from './section-merge.ts';
export type { RemoteConfigFile } from './buildout-extends.ts';
export { COMMAND_LINE_VALUE, COMPUTED_VALUE, DEFAULT_VALUE } from './section-merge.ts';

export interface BuildoutConfig {
  topFile: string;
  /** Every local file read, absolute: the top file first, then depth-first in `extends` order. */
  files: string[];
  /** Every file read, remote ones included (their path is their URL). */
  rawFiles: RawBuildoutFile[];
  /** The files read from URLs, with the bytes that were read. */
  remoteFiles: RemoteConfigFile[];
  /** The extends cache the remote files were read through, when there are some. */
  extendsCache?: string;
  /** The interpreter that runs this buildout: a target's python unless it names another. */
  buildoutPython: string;
  /** Substituted value. Throws ConfigError if the section holds a bad reference. */
  get(section: string, option: string): string | undefined;
  /** `file` is a path, or DEFAULT_VALUE, COMPUTED_VALUE or COMMAND_LINE_VALUE with line 0. */
  option(section: string, option: string): ConfigValue | undefined;
  sectionNames(): string[];
  section(name: string): Map<string, string> | undefined;
}

export interface LoadOptions {
  /**
   * Where remote `extends` are kept when the configuration names no extends-cache
   * (buildout would then download them on every run and keep nothing).
   */
  hostoutExtendsCache?: string;
  /**
   * Shared by the reads of one command, so a URL is asked for a fresh copy once per
   * command (as buildout asks once per run) and later reads take the cached copy.
   */
  refreshedUrls?: Set<string>;
  /** absolute paths of extended files that may be missing and then read as empty (the pins file a release writes) */
  notYetWritten?: ReadonlySet<string>;
  /**
   * The interpreter that runs this buildout (buildout-python.ts): its zc.buildout decides
   * conditional section headers and the eggs directory's layout. Default: Debian's python3.
   */
  buildoutPython?: string;
}

/** `overrides` are buildout's command-line assignments: `section:option=value` or `option=value`. */
export function loadBuildoutConfig(topFile: string, overrides: string[] = [], options: LoadOptions = {}): BuildoutConfig {
  const top = locateTopConfigFile(topFile);
  const defaults = buildoutDefaults(top);
  const commandLine = parseCommandLineOverrides(overrides);
  const { files, rawFiles, remoteFiles, extendsCache, sections: fromFiles } = readExtendsChain(top, {
    defaults: defaults.get('buildout') ?? new Map(),
    overrides: commandLine.get('buildout') ?? new Map(),
    hostoutExtendsCache: options.hostoutExtendsCache,
    refreshedUrls: options.refreshedUrls,
    notYetWritten: options.notYetWritten,
    buildoutPython: options.buildoutPython,
  });

  let definitions = layerConfig(defaults, fromFiles);
  definitions = layerConfig(definitions, commandLine);
  definitions = withDefaultVersions(definitions);
  definitions = absolutizeCacheDirectories(definitions);
  definitions = joinStandardDirectories(definitions);

  // Buildout substitutes [buildout] and the versions section while starting up, so
  // their errors surface here; other sections are substituted when first asked for.
  const sections = resolveSections(definitions);
  finishStandardDirectories(sections);
  checkBuildoutSection(sections.section('buildout') ?? new Map());
  const buildoutPython = options.buildoutPython ?? BUILDOUT_PYTHON;
  layOutEggsDirectory(sections, buildoutPython);
  const versionsName = sections.section('buildout')?.get('versions')?.value;
  if (versionsName) sections.section(versionsName);

  const option = (section: string, name: string): ConfigValue | undefined => sections.section(section)?.get(name);
  return {
    topFile: top,
    files,
    rawFiles,
    remoteFiles,
    extendsCache,
    buildoutPython,
    get: (section, name) => option(section, name)?.value,
    option,
    sectionNames: () => sections.names(),
    section(name) {
      const values = sections.section(name);
      return values && new Map([...values].map(([key, { value }]) => [key, value]));
    },
  };
}
