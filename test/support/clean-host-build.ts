import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from './ctl.ts';
import { removeDir, runBuildout } from './example-buildout.ts';

/** What `ctl release --json` prints. */
export interface ReleaseJson {
  tag: string;
  buildout: string;
  archive: { file: string; sha256: string; size: number };
  versionsFile: string;
  eggs: { name: string; version: string; develop: boolean; changed: boolean; file: string; sha256: string }[];
}

/**
 * A clean "host" for a release: its archive unpacked and its eggs in dist/,
 * nothing else (no src/, no index). Removed when the test ends, after the
 * example's service, if it was started, is stopped.
 */
export async function unpackOnCleanHost(t: { after(fn: () => Promise<void> | void): void }, release: ReleaseJson): Promise<string> {
  const host = mkdtempSync(join(tmpdir(), 'hostout-host-'));
  t.after(async () => {
    if (existsSync(join(host, 'bin/acme-ctl'))) await runCommand(join(host, 'bin/acme-ctl'), ['stop'], { cwd: host });
    removeDir(host);
  });
  const untar = await runCommand('tar', ['-xzf', release.archive.file, '-C', host]);
  if (untar.code !== 0) throw new Error(`tar -xzf ${release.archive.file} failed: ${untar.stderr}`);
  mkdirSync(join(host, 'dist'));
  for (const egg of release.eggs) copyFileSync(egg.file, join(host, 'dist', egg.file.split('/').at(-1)!));
  return host;
}

/**
 * Builds the release on a clean host as the agent does: buildout offline from
 * the shipped eggs, refusing any version it would have to pick itself.
 */
export async function buildOnCleanHost(t: { after(fn: () => Promise<void> | void): void }, release: ReleaseJson, args: readonly string[] = []): Promise<string> {
  const host = await unpackOnCleanHost(t, release);
  const hostBuildout = readFileSync(join(host, release.buildout), 'utf8');
  if (!/^allow-picked-versions = false$/m.test(hostBuildout)) throw new Error(`${release.buildout} lets buildout pick versions:\n${hostBuildout}`);
  await runBuildout(host, ['-c', release.buildout, ...args]);
  return host;
}
