import { dirname, join, resolve } from 'node:path';
import { loadBuildoutConfig, type BuildoutConfig, type LoadOptions } from '../config/buildout-config.ts';
import { selectTarget, type Target } from './target.ts';
import { buildoutPythonOf } from '../config/buildout-python.ts';

/**
 * The developer's buildout and the deployment target in it: what every ctl command reads
 * first. Kept apart from the release engine, which only plan, release and deploy load.
 */

export const STATE_DIR_NAME = '.hostout';

/**
 * How a command reads configs: remote `extends` are kept in .hostout/extends-cache when
 * the buildout names no extends-cache of its own, and a `ctl` process is one command, so
 * the dev and production reads ask the server for a URL once between them.
 */
const refreshedThisCommand = new Set<string>();
export function configReadOptions(buildoutDirectory: string, topFile?: string): LoadOptions {
  return { hostoutExtendsCache: join(buildoutDirectory, STATE_DIR_NAME, 'extends-cache'), refreshedUrls: refreshedThisCommand, buildoutPython: buildoutPythonOf(buildoutDirectory, topFile) };
}

/** `<buildout directory>/.hostout`: Hostout's caches and release outputs for this buildout. */
export function stateDirOf(config: BuildoutConfig): string {
  return join(config.get('buildout', 'directory')!, STATE_DIR_NAME);
}

export function loadTargetConfig(configFile: string, targetName: string | undefined, command?: string): { config: BuildoutConfig; target: Target } {
  const config = loadBuildoutConfig(configFile, [], configReadOptions(dirname(resolve(configFile)), resolve(configFile)));
  return { config, target: selectTarget(config, targetName, command) };
}
