import type { ReleasePlan } from '../release/release-plan.ts';
import type { ReleaseResult } from '../release/apply-release.ts';
import { plural } from '../../shared/text/plural.ts';

/** `ctl release --json`: other tools read these fields, keep them stable. */
export function releaseJson(result: ReleaseResult) {
  return {
    tag: result.tag,
    buildout: result.buildout,
    archive: result.archive,
    versionsFile: result.versionsFile,
    eggs: result.eggs.map((e) => ({ name: e.name, version: e.version, develop: e.develop, changed: e.changed, file: e.file, sha256: e.sha256 })),
  };
}

/** `ctl plan --json`: the release's shape before anything is built (file and hashes are null). */
export function planJson(plan: ReleasePlan) {
  return {
    tag: plan.tag,
    buildout: plan.buildout,
    archive: null,
    versionsFile: null,
    eggs: plan.eggs.map((e) => ({ name: e.name, version: e.version, develop: e.develop, changed: e.changed, file: null, sha256: null })),
    pins: plan.pins,
    unusedDevelopPackages: plan.unusedDevelopPackages,
  };
}

export function planSummary(plan: ReleasePlan): string {
  const changed = plan.eggs.filter((e) => e.changed);
  return [
    `Plan for target ${plan.target} (release ${plan.tag})`,
    ...eggLines(plan),
    changed.length ? `${plural(changed.length, 'develop egg')} would be released.` : 'Nothing to release: every develop egg is unchanged.',
    ...unusedLine(plan),
    '',
  ].join('\n');
}

export function releaseSummary(plan: ReleasePlan, result: ReleaseResult): string {
  const changed = result.eggs.filter((e) => e.changed);
  return [
    `Release ${result.tag} for target ${plan.target}`,
    ...eggLines(plan),
    changed.length ? `Released ${changed.map((e) => `${e.name} ${e.version}`).join(', ')}.` : 'Nothing released: every develop egg is unchanged.',
    `Archive  ${result.archive.file} (${result.archive.size} bytes, sha256 ${result.archive.sha256.slice(0, 12)})`,
    `Pins     ${result.versionsFile} (${result.eggs.length} eggs)`,
    `Eggs     ${result.releaseDir}/dist/`,
    `To build it by hand: unpack the archive, put the eggs in its dist/ folder, run buildout -c ${result.buildout}`,
    ...unusedLine(plan),
    '',
  ].join('\n');
}

function eggLines(plan: ReleasePlan): string[] {
  const width = Math.max(...plan.eggs.map((e) => e.name.length), 4);
  return plan.eggs.map((e) => {
    const state = !e.develop ? 'third-party' : e.changed ? 'new version' : e.decision === 'reuse' ? 'earlier version, same source' : 'unchanged';
    return `  ${e.name.padEnd(width)}  ${e.version.padEnd(14)} ${state}`;
  });
}

function unusedLine(plan: ReleasePlan): string[] {
  return plan.unusedDevelopPackages.length
    ? [`Not used by production (not released): ${plan.unusedDevelopPackages.join(', ')}`]
    : [];
}
