/** The checkout's revision put into a release's manifest, and what a deploy says of uncommitted changes. Pure. */
import { describeSource, type Manifest, type ManifestSource } from '../../shared/manifest.ts';

/** The manifest with `source` (none outside a checkout): what the signature then covers. */
export function withSource(manifest: Manifest, source: ManifestSource | undefined): Manifest {
  return source ? { ...manifest, source } : manifest;
}

export function uncommittedWarning(source: ManifestSource): string {
  return `deploying uncommitted changes: ${source.uncommittedFiles} file${source.uncommittedFiles === 1 ? ' differs' : 's differ'} from ${source.vcs} ${source.revision.slice(0, 12)} (${describeSource(source)} is recorded with the release; commit first to deploy code others can find)`;
}
