/**
 * What a release archive may unpack to: the entries and bytes the signed manifest declares,
 * which must themselves stay under the target's max-unpacked-size. ctl checks it before it
 * releases, the agent before it unpacks; the extractor then holds the archive to the figures.
 */
import { ArchiveError } from "../errors.ts";
import type { ManifestArchive } from "../manifest.ts";

export interface ArchiveBounds {
  entries: number;
  unpackedBytes: number;
}

/** The declared bounds of `archive`, or an ArchiveError when they are missing or pass `maxUnpackedBytes`. */
export function checkArchiveBounds(archive: Partial<ManifestArchive>, maxUnpackedBytes: number | undefined, where: string): ArchiveBounds {
  const { entries, unpackedBytes } = archive;
  if (!isCount(entries) || !isCount(unpackedBytes)) {
    throw new ArchiveError("the manifest does not say what the buildout archive unpacks to (archive.entries, archive.unpackedBytes)", {
      where,
      hint: "release it again with a ctl of the same version as the agent",
    });
  }
  if (!isCount(maxUnpackedBytes)) {
    throw new ArchiveError("the manifest carries no max-unpacked-size", { where, hint: "release it again with a ctl of the same version as the agent" });
  }
  if (unpackedBytes > maxUnpackedBytes) {
    throw new ArchiveError(`the buildout archive unpacks to ${megabytes(unpackedBytes)} MB, more than max-unpacked-size (${megabytes(maxUnpackedBytes)} MB)`, {
      where,
      hint: "leave large files out of the archive (they belong in shared/), or raise max-unpacked-size in the target section",
    });
  }
  return { entries, unpackedBytes };
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
