/** The pins file production extends: every egg it needs, at one exact version. */
export function renderVersionsFile(pins: Readonly<Record<string, string>>): string {
  const names = Object.keys(pins).sort((a, b) => a.localeCompare(b));
  const width = Math.max(0, ...names.map((n) => n.length));
  return (
    `# Pinned by Hostout: every egg production needs. Used only in production; do not edit.\n` +
    `[versions]\n` +
    names.map((name) => `${name.padEnd(width)} = ${pins[name]}\n`).join('')
  );
}

export const HOST_BUILDOUT_FILE = 'hostout.cfg';
/** Where the shipped eggs lie, relative to the unpacked archive. */
export const SHIPPED_EGGS_DIR = 'dist';

/**
 * The config the host runs: the team's production config, the pins, and only
 * the shipped eggs as a source (no index, no picked versions), so it builds
 * offline or names what is missing.
 *
 * The index is the shipped eggs folder as a `file:` URL ending in `?`: setuptools
 * asks an index for `<index>/<project>/`, which then reads as the folder itself (the
 * project path lands in the query), so every project has an index page listing the
 * eggs. A plain folder as index has no project pages: each egg logged "Couldn't
 * retrieve index page" and "Scanning index of all packages". (`file://` URLs are
 * turned into plain paths by buildout, so the single-slash form is needed.)
 */
export function renderHostBuildout(productionConfig: string, versionsFile: string): string {
  return `# Written by Hostout: the production buildout, pinned, built from shipped eggs only.
[buildout]
extends = ${productionConfig} ${versionsFile}
versions = versions
find-links = \${buildout:directory}/${SHIPPED_EGGS_DIR}
index = file:\${buildout:directory}/${SHIPPED_EGGS_DIR}/?
allow-picked-versions = false
newest = false
show-picked-versions = true
`;
}
