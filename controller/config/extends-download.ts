/**
 * Getting a remote `extends` file the way zc.buildout 2.13's _open and Download do:
 * the settings come from buildout's defaults, the top file's [buildout] and the command
 * line (never from extended files); with an `extends-cache` the copy is kept there under
 * the MD5 of the URL, refreshed while `newest` is true and the server answers, and read
 * without any network when `newest` is false; `offline` never downloads.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { fetchUrlSync } from './fetch-url-sync.ts';
import { layerSection, type SectionDefinitions } from './section-merge.ts';

export interface ExtendsDownloadSettings {
  /** Absolute cache directory; undefined when nothing is cached (buildout without extends-cache). */
  cacheDirectory?: string;
  /** Where the cache directory came from, for messages: the option's file:line or Hostout's own. */
  cacheOrigin?: string;
  /** the cache was named by the configuration (and must exist), not Hostout's own */
  configured?: boolean;
  newest: boolean;
  offline: boolean;
}

export interface DownloadedConfigFile {
  content: Buffer;
  /** The cache file holding exactly `content`, when a cache is in use. */
  cachedPath?: string;
}

/**
 * Buildout layers the command line over the top file's [buildout] again for every
 * extended file, so the effective settings are defaults, command line, top file, command line.
 * `hostoutCache` is used (and created when a copy is first kept) only when the configuration names no extends-cache:
 * buildout would download every time then, but a release must still be possible offline.
 */
export function extendsDownloadSettings(
  defaults: SectionDefinitions,
  overrides: SectionDefinitions,
  topBuildout: SectionDefinitions,
  hostoutCache: string | undefined,
): ExtendsDownloadSettings {
  const options = layerSection(layerSection(layerSection(defaults, overrides), topBuildout), overrides);
  const value = (name: string) => options.get(name)?.value;
  const newest = booleanSetting(options, 'newest');
  const offline = value('offline') === 'true' || value('install-from-cache') === 'true';
  const configured = options.get('extends-cache');
  if (!configured?.value) {
    return { newest, offline, cacheDirectory: hostoutCache, cacheOrigin: hostoutCache && "Hostout's cache" };
  }
  // Download.download_cache: joined to the raw directory, neither substituted nor `~`-expanded.
  return { newest, offline, cacheDirectory: resolve(value('directory') ?? '', configured.value), cacheOrigin: `${configured.file}:${configured.line}`, configured: true };
}

/** Buildout's cache file name for a URL (Download with hash_name=True). */
export function extendsCacheKey(url: string): string {
  return createHash('md5').update(url).digest('hex');
}

/**
 * `firstTime` is false when this read already opened the URL: buildout then takes the cached
 * copy without trying the server again. `where` is the file:line of the `extends` naming it.
 */
export function downloadExtendsFile(url: string, settings: ExtendsDownloadSettings, firstTime: boolean, where: string): DownloadedConfigFile {
  const { cacheDirectory } = settings;
  if (!cacheDirectory) return { content: downloadOrFail(url, settings, where) };

  // Buildout checks only when it uses the cache, and creates a missing one only after reading.
  if (settings.configured && !existsSync(cacheDirectory)) {
    throw new ConfigError(`the extends-cache directory ${cacheDirectory} does not exist`, {
      where: settings.cacheOrigin,
      hint: `create it (buildout does not create it before reading remote extends such as ${url}), or change extends-cache`,
    });
  }
  const cachedPath = join(cacheDirectory, extendsCacheKey(url));
  if (existsSync(cachedPath)) {
    // Buildout's fallback: try the server for a fresher copy, keep the cached one if it fails.
    if (settings.newest && firstTime && !settings.offline) {
      const fresh = fetchUrlSync(url);
      if (fresh.ok) writeFileAtomic(cachedPath, fresh.content);
    }
    return { content: readFileSync(cachedPath), cachedPath };
  }
  const content = downloadOrFail(url, settings, where);
  // Only Hostout's own cache can be missing here.
  mkdirSync(cacheDirectory, { recursive: true });
  writeFileAtomic(cachedPath, content);
  return { content, cachedPath };
}

function downloadOrFail(url: string, settings: ExtendsDownloadSettings, where: string): Buffer {
  const noCopy = settings.cacheDirectory
    ? `there is no copy of it in the extends-cache ${settings.cacheDirectory} (${settings.cacheOrigin})`
    : 'no extends-cache is set, so no copy of it was kept';
  const hint = settings.cacheDirectory
    ? `make ${url} reachable once (a copy is then kept as ${join(settings.cacheDirectory, extendsCacheKey(url))}), or save the file there yourself`
    : 'set extends-cache in [buildout] of the top file to an existing directory and read the config once while the server is reachable';
  if (/^file:/i.test(url) === false && settings.offline) {
    throw new ConfigError(`cannot download ${url} in offline mode: ${noCopy}`, { where, hint: `${hint}; or set offline = false` });
  }
  const fetched = fetchUrlSync(url);
  if (!fetched.ok) throw new ConfigError(`cannot download ${url} (${fetched.reason}): ${noCopy}`, { where, hint });
  return fetched.content;
}

function booleanSetting(options: SectionDefinitions, name: string): boolean {
  const option = options.get(name);
  if (!option || option.value === 'true' || option.value === 'false') return option?.value === 'true';
  throw new ConfigError(`invalid value for buildout:${name}: "${option.value}"`, {
    where: `${option.file}:${option.line}`,
    hint: 'write true or false',
  });
}
