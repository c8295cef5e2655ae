/**
 * What buildout knows before it reads any file: its default [buildout] options,
 * the computed `directory`, and the pins it adds to the versions section.
 */
import { dirname } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { COMPUTED_VALUE, DEFAULT_VALUE, type ConfigDefinitions, type ConfigValue } from './section-merge.ts';

/** The interpreter buildout runs under, which in this project is always Debian's (see shared/python). */
export const BUILDOUT_PYTHON = '/usr/bin/python3';

// zc.buildout.buildout._buildout_default_options; `executable` is BUILDOUT_PYTHON.
const DEFAULT_OPTIONS: Record<string, string> = {
  'allow-hosts': '*',
  'allow-picked-versions': 'true',
  'bin-directory': 'bin',
  'develop-eggs-directory': 'develop-eggs',
  'eggs-directory': 'eggs',
  executable: BUILDOUT_PYTHON,
  'find-links': '',
  'install-from-cache': 'false',
  installed: '.installed.cfg',
  'log-format': '',
  'log-level': 'INFO',
  newest: 'true',
  offline: 'false',
  'parts-directory': 'parts',
  'prefer-final': 'true',
  python: 'buildout',
  'show-picked-versions': 'false',
  'socket-timeout': '',
  'update-versions-file': '',
  'use-dependency-links': 'true',
  'allow-unknown-extras': 'false',
};

// Buildout pins itself to at least the running version so prefer-final cannot downgrade it.
const DEFAULT_VERSIONS: Record<string, string> = {
  'zc.buildout': '>=2.13.2',
  'zc.recipe.egg': '>=2.0.6',
};

/** The [buildout] section every configuration is layered on; `topFile` is absolute. */
export function buildoutDefaults(topFile: string): ConfigDefinitions {
  const buildout = new Map<string, ConfigValue>();
  for (const [key, value] of Object.entries(DEFAULT_OPTIONS)) buildout.set(key, defaultValue(value));
  buildout.set('directory', { value: dirname(topFile), file: COMPUTED_VALUE, line: 0 });
  return new Map([['buildout', buildout]]);
}

/**
 * Names the versions section `versions` unless buildout:versions says otherwise, and
 * adds buildout's own pins to it where the configuration has none.
 */
export function withDefaultVersions(definitions: ConfigDefinitions): ConfigDefinitions {
  const result = new Map(definitions);
  const buildout = new Map(result.get('buildout'));
  result.set('buildout', buildout);
  if (!buildout.has('versions')) {
    buildout.set('versions', defaultValue('versions'));
    if (!result.has('versions')) result.set('versions', new Map());
  }

  const pointer = buildout.get('versions') as ConfigValue;
  if (!pointer.value) return result;
  const section = result.get(pointer.value);
  if (!section) {
    throw new ConfigError(`buildout:versions names the section [${pointer.value}], which is not defined`, {
      where: `${pointer.file}:${pointer.line}`,
      hint: `add a [${pointer.value}] section or point buildout:versions at an existing one`,
    });
  }
  const versions = new Map(section);
  for (const [name, spec] of Object.entries(DEFAULT_VERSIONS)) {
    if (!versions.has(name)) versions.set(name, defaultValue(spec));
  }
  result.set(pointer.value, versions);
  return result;
}

function defaultValue(value: string): ConfigValue {
  return { value, file: DEFAULT_VALUE, line: 0 };
}
