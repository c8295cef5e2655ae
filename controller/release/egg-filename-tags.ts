/**
 * The tags setuptools puts in an egg's file name: NAME-VERSION-pyX.Y.egg for pure
 * Python, NAME-VERSION-pyX.Y-PLATFORM.egg (e.g. linux-x86_64) for eggs with C code.
 * The host's Python must be X.Y, and its platform PLATFORM, for buildout to use them.
 */
export interface EggTags {
  filename: string;
  /** "3.11", or undefined for a name that carries no py tag */
  python?: string;
  /** "linux-x86_64", or undefined for pure Python */
  platform?: string;
}

const EGG_NAME = /^[^-]+-[^-]+-py(\d+\.\d+)(?:-(.+))?\.egg$/;

export function eggTags(filename: string): EggTags {
  const match = EGG_NAME.exec(filename);
  return { filename, python: match?.[1], platform: match?.[2] };
}

/** What a host's python must match: its X.Y version and sysconfig platform. */
export interface HostPython {
  version: string;
  platform: string;
}

/** One line per egg the host's python cannot use, saying what it needs; empty when all fit. */
export function eggTagMismatches(filenames: readonly string[], host: HostPython): string[] {
  const hostXY = host.version.split('.').slice(0, 2).join('.');
  const problems: string[] = [];
  for (const tags of filenames.map(eggTags)) {
    if (tags.python && tags.python !== hostXY) problems.push(`${tags.filename} is for Python ${tags.python}, the host runs ${host.version}`);
    else if (tags.platform && normalizePlatform(tags.platform) !== normalizePlatform(host.platform)) {
      problems.push(`${tags.filename} is built for ${tags.platform}, the host is ${host.platform}`);
    }
  }
  return problems;
}

// setuptools writes linux_x86_64 or linux-x86_64 depending on where the name came from
function normalizePlatform(platform: string): string {
  return platform.toLowerCase().replace(/[-_.]/g, '-');
}
