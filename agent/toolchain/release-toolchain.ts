/**
 * The Python and buildout a release is built with on this host. A manifest whose
 * toolchain travels as wheels gets a virtualenv of its own, toolchains/<id>, made from the
 * host's Python of the same minor version and filled from those wheels only (no index);
 * it stays while releases built with it may be rolled back to. A manifest without wheels
 * is built by the agent's own python (Debian's buildout), which must be that minor version.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';
import { StateError } from '../../shared/errors.ts';
import { writeFileAtomic } from '../../shared/fs/atomic-write.ts';
import type { ManifestToolchain } from '../../shared/manifest.ts';
import type { BlobStore } from '../state/blob-store.ts';
import { describeOutcome, runCommand, succeeded } from '../services/run-command.ts';

export class ToolchainError extends StateError {}

/** Written last into a toolchain virtualenv: without it the folder is a half-made one, made again. */
const COMPLETE_MARKER = '.hostout-toolchain.json';

export interface ToolchainPlace {
  /** the virtualenv, for a toolchain of wheels */
  dir?: string;
  /** the interpreter buildout runs with */
  python: string;
  /** the host's Python the virtualenv is made from (or that runs buildout itself) */
  base: string;
  /** `zc.buildout 4.2.0, setuptools 81.0.0, … (Python 3.12)` */
  description: string;
}

/** What decides where a release builds: its Python and the bytes of its toolchain's wheels. */
export interface ToolchainRequest {
  /** 3.12 */
  python: string;
  wheelShas: readonly string[];
}

export function toolchainRequestOf(toolchain: ManifestToolchain): ToolchainRequest {
  return { python: toolchain.python, wheelShas: toolchain.wheels.map((w) => w.sha256) };
}

/** The virtualenv a toolchain of wheels lives in: named after the Python and the wheels' bytes. */
export function toolchainDirectory(toolchainsDir: string, request: ToolchainRequest): string {
  const hash = createHash('sha256').update(request.python);
  for (const sha of [...request.wheelShas].sort()) hash.update(`\0${sha}`);
  return join(toolchainsDir, `py${request.python}-${hash.digest('hex').slice(0, 12)}`);
}

/** The toolchain's virtualenv is made and whole. */
export function isToolchainInstalled(place: ToolchainPlace): boolean {
  return !place.dir || existsSync(join(place.dir, COMPLETE_MARKER));
}

export function describeManifestToolchain(toolchain: ManifestToolchain): string {
  const wheels = toolchain.wheels.length ? toolchain.wheels.map((w) => `${w.name} ${w.version}`).join(', ') : `zc.buildout ${toolchain.buildout} (the host's own)`;
  return `${wheels} (Python ${toolchain.python})`;
}

/**
 * Where the release will build, decided before anything on the host changes: a
 * ToolchainError names both Pythons when this host has none of the release's version.
 * `agentPython` is the agent's own (agent.json).
 */
export async function placeToolchain(toolchain: ManifestToolchain | undefined, toolchainsDir: string, agentPython: string): Promise<ToolchainPlace> {
  if (!toolchain) return { python: agentPython, base: agentPython, description: `the host's own buildout (${agentPython})` };
  return placeRequestedToolchain(toolchainRequestOf(toolchain), toolchainsDir, agentPython, describeManifestToolchain(toolchain));
}

export async function placeRequestedToolchain(request: ToolchainRequest, toolchainsDir: string, agentPython: string, description: string): Promise<ToolchainPlace> {
  const base = await findInterpreter(request.python, agentPython);
  if (request.wheelShas.length === 0) return { python: base, base, description };
  const dir = toolchainDirectory(toolchainsDir, request);
  return { dir, python: join(dir, 'bin', 'python'), base, description };
}

/** The toolchain's virtualenv, made when this host has not made it yet; returns the interpreter to build with. */
export async function ensureToolchain(
  toolchain: ManifestToolchain | undefined,
  place: ToolchainPlace,
  blobs: BlobStore,
  onLine: (line: string) => void,
): Promise<string> {
  if (!toolchain || !place.dir) return place.python;
  if (isToolchainInstalled(place)) return place.python;
  onLine(`Installing buildout toolchain ${place.description} into ${place.dir}`);
  rmSync(place.dir, { recursive: true, force: true }); // a half-made one, from an agent stopped while making it
  mkdirSync(place.dir, { recursive: true });
  try {
    const wheelsDir = join(place.dir, '.wheels');
    mkdirSync(wheelsDir);
    const files = [];
    for (const wheel of toolchain.wheels) files.push(await blobs.placeEgg(wheel.sha256, wheel.filename, wheelsDir));
    const pip = toolchain.wheels.find((w) => w.name.toLowerCase() === 'pip');
    await runToolchainCommand(place.base, ['-m', 'venv', ...(pip ? ['--without-pip'] : []), place.dir], { what: `creating a virtualenv with ${place.base}`, onLine });
    // pip runs from its own wheel (a wheel is importable as it is): the exact pip the release ships
    const pipCommand = pip ? [join(wheelsDir, pip.filename, 'pip')] : ['-m', 'pip'];
    await runToolchainCommand(join(place.dir, 'bin', 'python'), [...pipCommand, 'install', '--no-index', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '--no-warn-script-location', ...files], {
      what: `installing ${toolchain.wheels.map((w) => `${w.name} ${w.version}`).join(', ')} from the wheels the release ships`,
      onLine,
      // the host's pip configuration must not send this install to an index
      env: { PIP_CONFIG_FILE: '/dev/null', PIP_FIND_LINKS: '', PIP_INDEX_URL: '', PIP_EXTRA_INDEX_URL: '' },
    });
    rmSync(wheelsDir, { recursive: true, force: true });
    writeFileAtomic(join(place.dir, COMPLETE_MARKER), JSON.stringify({ python: toolchain.python, buildout: toolchain.buildout, wheels: toolchain.wheels }, null, 1) + '\n');
  } catch (error) {
    rmSync(place.dir, { recursive: true, force: true });
    throw error;
  }
  return place.python;
}

/**
 * A Python of `minor` version on this host: the agent's own when it is one, else
 * pythonX.Y on the agent's PATH, /usr/local/bin or /usr/bin.
 */
export async function findInterpreter(minor: string, agentPython: string): Promise<string> {
  const candidates = [agentPython, ...searchDirs().map((dir) => join(dir, `python${minor}`))];
  const seen: string[] = [];
  for (const candidate of [...new Set(candidates)]) {
    const version = await pythonMinorOf(candidate);
    if (version === minor) return candidate;
    if (version) seen.push(`${candidate} is ${version}`);
  }
  throw new ToolchainError(
    `this host has no Python ${minor}, which the release's eggs and buildout toolchain were made with: looked for python${minor} in ${searchDirs().join(', ')}${seen.length ? `; ${seen.join(', ')}` : ''}`,
    { hint: `install Python ${minor} on the host, or release from a virtualenv of a Python the host has (the target's python option)` },
  );
}

function searchDirs(): string[] {
  return [...new Set([...(process.env.PATH ?? '').split(delimiter).filter((d) => d.startsWith('/')), '/usr/local/bin', '/usr/bin'])];
}

/** "3.12", or undefined when it is not there or does not run. */
export async function pythonMinorOf(python: string): Promise<string | undefined> {
  return (await pythonVersionOf(python))?.split('.').slice(0, 2).join('.');
}

/** "3.12.1", or undefined when it is not there or does not run. */
export function pythonVersionOf(python: string): Promise<string | undefined> {
  return new Promise((resolve) =>
    execFile(python, ['-c', 'import platform; print(platform.python_version())'], { timeout: 15_000, encoding: 'utf8' }, (error, stdout) => resolve(error ? undefined : stdout.trim())),
  );
}

/** Ten minutes: pip installing half a dozen wheels takes seconds; a hang must not hold the deploy lock for ever. */
const INSTALL_TIMEOUT_MS = 600_000;

async function runToolchainCommand(python: string, args: readonly string[], options: { what: string; onLine: (line: string) => void; env?: Record<string, string> }): Promise<void> {
  const outcome = await runCommand({ argv: [python, ...args], cwd: '/', timeoutMs: INSTALL_TIMEOUT_MS, log: options.onLine, ...(options.env ? { env: options.env } : {}) });
  if (succeeded(outcome)) return;
  throw new ToolchainError(`${options.what}: ${describeOutcome(outcome)}`, {
    hint: 'the release was not built and the current one keeps serving; the wheels are those in the release manifest (ctl check shows the toolchain)',
  });
}

/**
 * Removes the toolchain virtualenvs no kept release was built with (their scripts' `#!` names
 * them), and half-made ones. `kept`: the manifests' toolchains of every release still on the host.
 */
export function pruneToolchains(toolchainsDir: string, kept: readonly (ManifestToolchain | undefined)[]): string[] {
  if (!existsSync(toolchainsDir)) return [];
  const used = new Set(kept.flatMap((toolchain) => (toolchain?.wheels.length ? [basename(toolchainDirectory(toolchainsDir, toolchainRequestOf(toolchain)))] : [])));
  const removed: string[] = [];
  for (const name of readdirSync(toolchainsDir)) {
    if (used.has(name)) continue;
    rmSync(join(toolchainsDir, name), { recursive: true, force: true });
    removed.push(`toolchains/${name}`);
  }
  return removed;
}
