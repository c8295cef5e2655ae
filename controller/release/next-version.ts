import * as pep440 from '@renovatebot/pep440';
import { ReleaseError } from '../../shared/errors.ts';

/** A version minted earlier for a package, and the source it was built from. */
export interface MintedVersion {
  version: string;
  sourceHash: string;
}

export type VersionDecision =
  | { kind: 'unchanged'; version: string }
  | { kind: 'reuse'; version: string }
  | { kind: 'mint'; version: string };

/**
 * Picks the version for a develop egg whose sources hash to `sourceHash`.
 *
 * Same content keeps its version (a version never names two contents); new
 * content gets a version strictly above every one ever minted, derived from
 * the one setup.py declares: 1.4 -> 1.4.post1 -> 1.4.post2, or the declared
 * version itself once it is raised above what was minted.
 */
export function pickVersion(
  packageName: string,
  declaredVersion: string,
  sourceHash: string,
  minted: readonly MintedVersion[],
): VersionDecision {
  const declared = pep440.clean(declaredVersion);
  if (!declared) {
    throw new ReleaseError(`${packageName} declares version '${declaredVersion}', which is not a PEP 440 version`, {
      where: packageName,
      hint: 'set version= in setup.py to something like 1.0 or 2.1.3',
    });
  }
  const latest = highestVersion(minted);
  const sameContent = minted.filter((m) => m.sourceHash === sourceHash);
  if (sameContent.length > 0) {
    const version = highestVersion(sameContent)!.version;
    return { kind: version === latest?.version ? 'unchanged' : 'reuse', version };
  }
  if (!latest || pep440.gt(declared, latest.version)) return { kind: 'mint', version: declared };

  const next = incrementLastSegment(latest.version);
  if (!sameRelease(next, declared)) {
    throw new ReleaseError(
      `${packageName}: setup.py declares ${declared}, but ${latest.version} was already released`,
      { where: packageName, hint: `raise the version in setup.py above ${latest.version}, or to ${next}` },
    );
  }
  return { kind: 'mint', version: next };
}

export function highestVersion<T extends { version: string }>(items: readonly T[]): T | undefined {
  return [...items].sort((a, b) => pep440.compare(a.version, b.version)).at(-1);
}

/** 1.4 -> 1.4.post1, 1.4.post1 -> 1.4.post2, 1.4.dev0 -> 1.4.dev1. */
export function incrementLastSegment(version: string): string {
  const v = pep440.explain(version);
  if (!v) throw new ReleaseError(`not a PEP 440 version: ${version}`);
  const base = (v.epoch ? `${v.epoch}!` : '') + v.release.join('.') + (v.pre ? `${v.pre[0]}${v.pre[1]}` : '');
  const postNumber = v.post === null ? null : Number(v.post);
  const post = postNumber === null ? '' : `.post${postNumber}`;
  if (v.dev !== null) return `${base}${post}.dev${Number(v.dev) + 1}`;
  return `${base}.post${(postNumber ?? 0) + 1}`;
}

function sameRelease(a: string, b: string): boolean {
  const va = pep440.explain(a)!;
  const vb = pep440.explain(b)!;
  return va.epoch === vb.epoch && va.release.join('.') === vb.release.join('.');
}
