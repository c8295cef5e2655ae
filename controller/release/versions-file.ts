import * as pep440 from '@renovatebot/pep440';
import { ReleaseError } from '../../shared/errors.ts';
import { parseBuildoutText, type RawOption } from '../config/buildout-file.ts';

/**
 * The team's own pins file: the production chain extends it and it exists
 * already. Its pins hold for third-party eggs; Hostout adds the rest.
 */
export interface TeamVersionsFile {
  /** absolute path */
  path: string;
  text: string;
  /** the pins of the section production reads its versions from, with their lines */
  pins: readonly RawOption[];
}

export function readTeamVersionsFile(path: string, text: string, versionsSection: string): TeamVersionsFile {
  const pins = parseBuildoutText(text, path)
    .sections.filter((s) => s.name === versionsSection)
    .flatMap((s) => s.options.filter((o) => o.op === '='));
  return { path, text, pins };
}

/**
 * The pins file production extends: every egg it needs, at one exact version.
 * A team's own file is kept as written and Hostout's pins follow it, so they
 * win where both name an egg (buildout merges a section given twice, the later
 * value wins) while its other sections and comments stay as they were.
 */
export function renderVersionsFile(pins: Readonly<Record<string, string>>, team?: TeamVersionsFile): string {
  // Buildout lowercases pin names after merging: write a name as the team spells it
  // so that Hostout's pin replaces theirs instead of racing it.
  const spelling = new Map((team?.pins ?? []).map((p) => [p.key.toLowerCase(), p.key]));
  const names = Object.keys(pins).sort((a, b) => a.localeCompare(b));
  const key = (name: string) => spelling.get(name.toLowerCase()) ?? name;
  const width = Math.max(0, ...names.map((n) => key(n).length));
  const section = `[versions]\n` + names.map((name) => `${key(name).padEnd(width)} = ${pins[name]}\n`).join('');
  if (!team) return `# Pinned by Hostout: every egg production needs. Used only in production; do not edit.\n${section}`;
  const text = team.text.endsWith('\n') || team.text === '' ? team.text : `${team.text}\n`;
  return `${text}\n# Added by Hostout when it released: every egg production needs, as buildout resolved it\n# with the pins above; develop eggs at the versions Hostout released.\n${section}`;
}

/**
 * A third-party pin of the team's file that is not what buildout resolved
 * (another file of the chain pins it otherwise, say) is an error: the release
 * would not be what the team's file says.
 */
export function refuseOverruledTeamPins(
  team: TeamVersionsFile,
  resolved: readonly { name: string; version: string }[],
  developNames: ReadonlySet<string>,
  effectivePin: (name: string) => { value: string; where: string } | undefined,
): void {
  for (const pin of team.pins) {
    const name = pin.key.toLowerCase();
    if (developNames.has(name)) continue;
    const pinned = exactVersion(pin.value);
    const dist = resolved.find((d) => d.name.toLowerCase() === name);
    if (!pinned || !dist || sameVersion(pinned, dist.version)) continue;
    const winner = effectivePin(pin.key);
    const overruledBy = winner && winner.where !== `${pin.file}:${pin.line}` ? ` (${winner.where} pins ${pin.key} = ${winner.value})` : '';
    throw new ReleaseError(`the pins file says ${pin.key} = ${pinned}, but buildout resolved ${dist.name} ${dist.version} for production${overruledBy}`, {
      where: `${pin.file}:${pin.line}`,
      hint: `make both say the same version of ${pin.key}, or remove one of the pins`,
    });
  }
}

/** `1.2` or `==1.2`; buildout also takes ranges (`<2`), which it enforced itself. */
function exactVersion(value: string): string | undefined {
  const v = value.trim().replace(/^==\s*/, '');
  return v === '' || /^[<>!~=]/.test(v) ? undefined : v;
}

function sameVersion(a: string, b: string): boolean {
  return pep440.valid(a) && pep440.valid(b) ? pep440.eq(a, b) : a === b;
}

export const HOST_BUILDOUT_FILE = 'hostout.cfg';
/** Where the shipped eggs lie, relative to the unpacked archive. */
export const SHIPPED_EGGS_DIR = 'dist';

/**
 * The config the host runs: the team's production config, the pins, and only
 * the shipped eggs as a source (no index, no picked versions), so it builds
 * offline or names what is missing. The pins file comes last even when the
 * production chain extends it already, so that its pins win over any other.
 *
 * The index is the shipped eggs folder as a `file:` URL ending in `?`: setuptools
 * asks an index for `<index>/<project>/`, which then reads as the folder itself (the
 * project path lands in the query), so every project has an index page listing the
 * eggs. A plain folder as index has no project pages: each egg logged "Couldn't
 * retrieve index page" and "Scanning index of all packages". (`file://` URLs are
 * turned into plain paths by buildout, so the single-slash form is needed.)
 */
export function renderHostBuildout(productionConfig: string, versionsFile: string, extendsCache?: string): string {
  return `# Written by Hostout: the production buildout, pinned, built from shipped eggs only.
[buildout]
extends = ${productionConfig} ${versionsFile}
versions = versions
find-links = \${buildout:directory}/${SHIPPED_EGGS_DIR}
index = file:\${buildout:directory}/${SHIPPED_EGGS_DIR}/?
allow-picked-versions = false
newest = false
show-picked-versions = true
${extendsCache ? `# remote extends, shipped: with newest = false buildout reads them here, never from the network\nextends-cache = ${extendsCache}\n` : ''}`;
}
