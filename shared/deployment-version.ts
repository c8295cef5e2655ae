/**
 * The version of a deployment, as people name it: "Deployment complete at version 0.1".
 * Dotted whole numbers with at least two segments (0.1, 0.2, … 0.10; 2.0, 2.1); the
 * last segment counts deployments within a series, the ones before it name the series.
 * Hosts deployed before versions existed have whole numbers (1, 2, 3): those stay as
 * they are, sort before every dotted version, and are never given out again.
 */
import { StateError, TargetError } from './errors.ts';

/** What the target option `version` defaults to: the first version of the first series. */
export const FIRST_DEPLOYMENT_VERSION = '0.1';

/**
 * Bounds: a version is a name people read, shown in every status and stored for ever. At
 * most 8 segments of at most 18 digits each: far beyond any real series, and small enough
 * that no request can make every later status and deploy carry a huge number.
 */
export const MAX_VERSION_SEGMENTS = 8;
export const MAX_SEGMENT_DIGITS = 18;
const SEGMENT = `(0|[1-9]\\d{0,${MAX_SEGMENT_DIGITS - 1}})`;
const DOTTED = new RegExp(`^${SEGMENT}(\\.${SEGMENT}){1,${MAX_VERSION_SEGMENTS - 1}}$`);
const LEGACY_NUMBER = new RegExp(`^[1-9]\\d{0,${MAX_SEGMENT_DIGITS - 1}}$`);

/** A version this project gives out: 0.1, 2.0, 1.2.3 (no leading zeros, two to eight segments). */
export function isDeploymentVersion(text: string): boolean {
  return DOTTED.test(text);
}

/** A whole number an agent gave before deployments had versions ("version 3"). */
export function isLegacyDeploymentNumber(text: string): boolean {
  return LEGACY_NUMBER.test(text);
}

/** Checks the target option `version`; the error names the value and what is expected. */
export function checkVersionSeries(text: string, where: string): string {
  if (!isDeploymentVersion(text)) {
    throw new TargetError(`version = ${text.length > 40 ? `${text.slice(0, 40)}…` : text || '(empty)'}: expected a version such as 0.1 or 2.0 (two to ${MAX_VERSION_SEGMENTS} whole numbers of at most ${MAX_SEGMENT_DIGITS} digits, separated by dots)`, {
      where,
      hint: 'the first deployment of a series gets this version; the next ones count up its last number (2.0, 2.1, …)',
    });
  }
  return text;
}

/** Orders versions: legacy whole numbers first (by value), then dotted ones segment by segment (0.9 < 0.10 < 1.0). */
export function compareDeploymentVersions(a: string, b: string): number {
  const legacyA = isLegacyDeploymentNumber(a);
  const legacyB = isLegacyDeploymentNumber(b);
  if (legacyA !== legacyB) return legacyA ? -1 : 1;
  const sa = segments(a);
  const sb = segments(b);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const d = (sa[i] ?? -1n) - (sb[i] ?? -1n);
    if (d !== 0n) return d < 0n ? -1 : 1;
  }
  return 0;
}

/** The next version in the same series: the last segment plus one (0.9 -> 0.10), exactly (no floating point). */
export function incrementDeploymentVersion(version: string): string {
  const parts = segments(version);
  parts[parts.length - 1]! += 1n;
  return parts.join('.');
}

/**
 * The version a new release gets, given every version this host ever gave out (including
 * those of failed deploys, which are never given to other content) and the target's series:
 * - nothing dotted given out yet (a new host, or one with legacy numbers only): the series itself;
 * - a series above the highest version: the series (a team starting 2.0);
 * - the highest version is in that series: one more than it;
 * - otherwise the series is lower than what this host already has: an error naming both.
 */
export function nextDeploymentVersion(givenOut: readonly string[], series: string, where?: string): string {
  const highest = givenOut.filter(isDeploymentVersion).sort(compareDeploymentVersions).at(-1);
  if (highest === undefined || compareDeploymentVersions(series, highest) > 0) return series;
  if (seriesOf(highest) === seriesOf(series)) return incrementDeploymentVersion(highest);
  throw new VersionSeriesError(`version = ${series} is lower than version ${highest}, which this host already gave out`, {
    where,
    hint: `in the target, version = ${seriesOf(highest)}.0 continues at ${incrementDeploymentVersion(highest)}; a new series must be higher, e.g. version = ${incrementDeploymentVersion(seriesOf(highest))}.0`,
  });
}

/** A target's `version` series that would go back below versions the host already gave out. */
export class VersionSeriesError extends StateError {}

function seriesOf(version: string): string {
  return segments(version).slice(0, -1).join('.');
}

/** Exact whole numbers: 0.9007199254740993 counts up to 0.9007199254740994, not back to …992. */
function segments(version: string): bigint[] {
  return version.split('.').map((part) => (/^\d+$/.test(part) ? BigInt(part) : -1n));
}
