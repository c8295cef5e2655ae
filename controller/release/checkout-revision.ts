/**
 * The revision of the checkout a deploy ships: git's or Mercurial's, and how many files differ
 * from it. Read with the VCS's own commands, concurrently with the release's work; a directory
 * that is no checkout (or a VCS that is not installed) has none, and that is not an error.
 */
import { execFile } from 'node:child_process';
import { relative } from 'node:path';
import type { ManifestSource } from '../../shared/manifest.ts';

const VCS_TIMEOUT_MS = 10_000;

/**
 * `dir`: the buildout directory; only its own files count (it may sit inside a larger
 * repository). `hostoutFiles`: what Hostout itself writes there (.hostout/, the ledger),
 * relative to it: not the team's uncommitted code. Files the VCS ignores do not count either.
 */
export async function readCheckoutRevision(dir: string, hostoutFiles: readonly string[]): Promise<ManifestSource | undefined> {
  return (await gitRevision(dir, hostoutFiles)) ?? (await hgRevision(dir, hostoutFiles));
}

async function gitRevision(dir: string, hostoutFiles: readonly string[]): Promise<ManifestSource | undefined> {
  const revision = await run('git', ['-C', dir, 'rev-parse', '--verify', '-q', 'HEAD']);
  if (!revision) return undefined;
  const status = await run('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=all', '--', '.', ...hostoutFiles.map((f) => `:(exclude)${f}`)]);
  return { vcs: 'git', revision: revision.trim(), uncommittedFiles: countLines(status ?? '') };
}

async function hgRevision(dir: string, hostoutFiles: readonly string[]): Promise<ManifestSource | undefined> {
  const revision = await run('hg', ['--cwd', dir, 'log', '-r', '.', '-T', '{node}']);
  if (!revision?.trim()) return undefined;
  const status = await run('hg', ['--cwd', dir, 'status', '.', ...hostoutFiles.flatMap((f) => ['-X', f])]);
  return { vcs: 'hg', revision: revision.trim(), uncommittedFiles: countLines(status ?? '') };
}

/** What Hostout writes into a checkout: its work folder and the target's ledger. */
export function hostoutFilesOf(buildoutDirectory: string, ledgerFile: string): string[] {
  return ['.hostout', relative(buildoutDirectory, ledgerFile)];
}

function countLines(text: string): number {
  return text.split('\n').filter((line) => line.trim() !== '').length;
}

/** stdout, or undefined when the command is missing or fails (not a checkout). */
function run(command: string, args: string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: VCS_TIMEOUT_MS, encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0' } }, (error, stdout) => resolve(error ? undefined : stdout));
  });
}
