/**
 * The [buildout] values buildout itself refuses while starting up, checked on the
 * substituted section so the error names the line a person has to fix.
 */
import { ConfigError } from '../../shared/errors.ts';
import type { ConfigValue } from './section-merge.ts';

const BOOLEAN_OPTIONS = [
  'offline', 'newest', 'prefer-final', 'use-dependency-links', 'allow-picked-versions',
  'show-picked-versions', 'install-from-cache', 'abi-tag-eggs',
];

export function checkBuildoutSection(buildout: Map<string, ConfigValue>): void {
  const offline = buildout.get('offline')?.value === 'true';
  for (const name of BOOLEAN_OPTIONS) {
    const option = buildout.get(name);
    // Buildout reads `newest` only when it is online.
    if (name === 'newest' && offline) continue;
    if (option && option.value !== 'true' && option.value !== 'false') {
      throw refused(option, `invalid value for buildout:${name}: "${option.value}"`, 'write true or false');
    }
  }
  const fromCache = buildout.get('install-from-cache');
  if (fromCache?.value === 'true' && offline) {
    throw refused(fromCache, "install-from-cache can't be used with offline mode", 'turn one of them off');
  }
}

function refused(option: ConfigValue, message: string, hint: string): ConfigError {
  return new ConfigError(message, { where: `${option.file}:${option.line}`, hint });
}
