/**
 * The buildout toolchain: what the team's buildout itself runs on (zc.buildout, the
 * setuptools, pip, wheel and packaging it requires, zc.recipe.egg when the interpreter
 * holds it) and the Python under it. Asked of the target's python once, and remembered
 * in .hostout/toolchain.json while that interpreter and its site-packages are unchanged.
 */
import { readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ReleaseError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import { PYTHON_HELPERS_DIR } from '../release/python-script.ts';

export interface ToolchainDist {
  name: string;
  version: string;
  /** the site-packages (or dist-packages) folder it is installed in */
  location: string;
  /** installed by pip (it has a RECORD), so it can be packed as a wheel and shipped */
  packable: boolean;
}

export interface BuildoutToolchain {
  /** the interpreter, as the target's python option names it */
  executable: string;
  /** 3.12.1 */
  python: string;
  /** 3.12: eggs are built for it, and the host needs it */
  pythonMinor: string;
  abiTag: string;
  virtualenv: boolean;
  /** zc.buildout's version, or null when the interpreter has none */
  buildout: string | null;
  dists: ToolchainDist[];
}

/** The first zc.buildout versions whose ways this Hostout knows: 2.13 to 5.x. */
const KNOWN_BUILDOUT_MAJORS = [2, 3, 4, 5];

const described = new Map<string, BuildoutToolchain>();

/**
 * The toolchain of `python`; `cacheFile` remembers it across commands. A ReleaseError
 * when the interpreter cannot run, holds no zc.buildout, or holds one Hostout does not know.
 */
export function describeToolchain(python: string, cacheFile: string | undefined, where: string): BuildoutToolchain {
  const memo = described.get(python);
  if (memo) return memo;
  const cached = cacheFile ? readCached(cacheFile, python) : undefined;
  const toolchain = cached ?? askInterpreter(python, where);
  if (!cached && cacheFile) writeFileAtomic(cacheFile, JSON.stringify({ stamp: stampOf(python, toolchain), toolchain }, null, 1) + '\n');
  refuseUnknownBuildout(toolchain, where);
  described.set(python, toolchain);
  return toolchain;
}

/** `zc.buildout 4.2.0, setuptools 81.0.0, …  (Python 3.12.1)` */
export function describeToolchainBriefly(toolchain: { python: string; dists: readonly { name: string; version: string }[] }): string {
  const buildoutFirst = [...toolchain.dists].sort((a, b) => (a.name === 'zc.buildout' ? -1 : b.name === 'zc.buildout' ? 1 : 0));
  return `${buildoutFirst.map((d) => `${d.name} ${d.version}`).join(', ')} (Python ${toolchain.python})`;
}

/** A virtualenv whose toolchain pip installed travels as wheels; Debian's system buildout stays the host's own. */
export function shipsToolchainWheels(toolchain: BuildoutToolchain): boolean {
  return toolchain.virtualenv && toolchain.dists.length > 0 && toolchain.dists.every((d) => d.packable);
}

export function isToolchainDist(toolchain: BuildoutToolchain, name: string): boolean {
  const key = canonicalName(name);
  return toolchain.dists.some((d) => canonicalName(d.name) === key);
}

export function canonicalName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

function askInterpreter(python: string, where: string): BuildoutToolchain {
  let output: string;
  try {
    output = execFileSync(python, [join(PYTHON_HELPERS_DIR, 'buildout_toolchain.py'), 'describe'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (cause) {
    const error = cause as NodeJS.ErrnoException & { stderr?: string };
    throw new ReleaseError(`${python} cannot be run to ask which buildout it holds${error.code === 'ENOENT' ? ': not found' : `: ${(error.stderr ?? error.message).trim().split('\n').at(-1)}`}`, {
      where,
      hint: "set the target's python to the interpreter that runs your buildout (your virtualenv's bin/python, or Debian's /usr/bin/python3 with python3-zc.buildout)",
      cause,
    });
  }
  const answer = JSON.parse(output) as Omit<BuildoutToolchain, 'executable'>;
  return { executable: python, ...answer };
}

function refuseUnknownBuildout(toolchain: BuildoutToolchain, where: string): void {
  if (!toolchain.buildout) {
    throw new ReleaseError(`${toolchain.executable} (Python ${toolchain.python}) holds no zc.buildout`, {
      where,
      hint: "set the target's python to the interpreter that runs your buildout: the virtualenv's bin/python that bin/buildout starts with",
    });
  }
  const major = Number(toolchain.buildout.split('.')[0]);
  if (!KNOWN_BUILDOUT_MAJORS.includes(major)) {
    throw new ReleaseError(`${toolchain.executable} runs zc.buildout ${toolchain.buildout}, a version this Hostout does not know (it knows 2.13 to 5.x)`, {
      where,
      hint: 'release with a zc.buildout from 2.13 to 5.x, or use a Hostout that knows this one',
    });
  }
}

/** What must stay the same for a remembered answer to hold: the interpreter and every folder its toolchain lies in. */
function stampOf(python: string, toolchain: BuildoutToolchain | undefined): string {
  const mtime = (path: string) => statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 'absent';
  const folders = [...new Set(toolchain?.dists.map((d) => d.location) ?? [])].sort();
  return JSON.stringify([python, mtime(python), folders.map((f) => [f, mtime(f)])]);
}

function readCached(cacheFile: string, python: string): BuildoutToolchain | undefined {
  let cached: { stamp?: string; toolchain?: BuildoutToolchain } | undefined;
  try {
    cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!cached?.toolchain || cached.toolchain.executable !== python) return undefined;
  return cached.stamp === stampOf(python, cached.toolchain) ? cached.toolchain : undefined;
}
