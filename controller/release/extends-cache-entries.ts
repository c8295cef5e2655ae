/**
 * How remote `extends` travel to a host that may have no internet: as a ready extends
 * cache inside the archive, which the host's buildout reads with newest = false.
 *
 * Why a cache and not rewritten `extends` lines: with the cache, the host's buildout
 * still reads the very URLs the team wrote, so everything buildout derives from a file's
 * name stays as it is: relative names inside a remote file resolve against its URL,
 * annotations name the URL, a relative cache directory set in a remote file is refused as
 * ambiguous, cycles are the same cycles. Only where the bytes come from changes, and
 * buildout (Download with hash_name) takes a cached copy without any network when
 * `newest` is false. Rewriting would edit the team's files and give them other names.
 */
import { ReleaseError } from '../../shared/errors.ts';
import type { BuildoutConfig } from '../config/buildout-config.ts';
import { extendsCacheKey } from '../config/extends-download.ts';
import type { ArchiveEntry } from './buildout-archive.ts';

/** The extends cache inside the archive, relative to the host's buildout directory. */
export const HOST_EXTENDS_CACHE_DIR = 'hostout-extends-cache';

export function remoteExtendsEntries(production: BuildoutConfig): ArchiveEntry[] {
  return production.remoteFiles.map(({ url, cachedPath, extendedAt }) => {
    if (!cachedPath) {
      throw new ReleaseError(`the remote file ${url} was read without a cache copy, so it cannot be shipped`, {
        where: extendedAt,
        hint: 'read the production config with an extends cache (Hostout keeps one in .hostout/extends-cache)',
      });
    }
    return { archivePath: `${HOST_EXTENDS_CACHE_DIR}/${extendsCacheKey(url)}`, sourcePath: cachedPath };
  });
}
