/**
 * `ctl logs --app`: the application's own log files, as the live release's target names them
 * (target option app-logs, e.g. var/log/instance.log): the last lines of each, then, with
 * follow, what is appended, as `tail -F` does (a file rotated or truncated is read again from
 * its start). The paths come from the signed manifest, never from the request, and a file
 * that resolves outside the agent's path (a symlink) is refused.
 */
import { closeSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { join, relative, isAbsolute } from 'node:path';
import { NotFoundError } from '../deploy/rollback-release.ts';
import { UsageError } from '../../shared/errors.ts';
import type { Agent } from '../agent.ts';
import { releaseDir } from '../state/agent-layout.ts';

export const APP_LOG_DEFAULT_LINES = 50;
export const APP_LOG_MAX_LINES = 100_000;
/** How often followed files are looked at for new bytes. */
const FOLLOW_POLL_MS = 250;
/** The most read in one go from a followed file: a burst is sent in pieces, memory stays flat. */
const FOLLOW_READ_BYTES = 256 * 1024;

export interface AppLogChunk {
  tag: string;
  /** the file, as the target names it (relative to the release directory) */
  file: string;
  text: string;
}

export async function sendAppLogs(agent: Agent, request: { lines: number; follow: boolean }, send: (chunk: AppLogChunk) => void, cancelled?: AbortSignal): Promise<void> {
  if (request.lines > APP_LOG_MAX_LINES) throw new UsageError(`at most ${APP_LOG_MAX_LINES} lines of each log can be asked for`);
  const tag = agent.releases.currentRelease();
  if (!tag) throw new NotFoundError('no release is live on this host: there is no application log to show', { hint: 'deploy first' });
  const files = agent.manifestOf(tag)?.manifest.settings.appLogs ?? [];
  if (files.length === 0) {
    throw new NotFoundError('the live release\'s target names no application log', { hint: 'set app-logs = var/log/instance.log (paths relative to the release directory) in the target and deploy' });
  }
  const dir = releaseDir(agent.layout, tag);
  const followed = files.map((file) => ({ file, path: join(dir, file), offset: 0, ino: 0 }));
  for (const f of followed) {
    const checked = insideAgent(agent, f.path, f.file);
    if (checked.real === undefined) {
      send({ tag, file: f.file, text: `(${checked.problem})\n` });
      continue;
    }
    const stats = statSync(checked.real);
    f.ino = stats.ino;
    f.offset = stats.size;
    const text = lastLines(checked.real, stats.size, request.lines || APP_LOG_DEFAULT_LINES);
    if (text) sendText(tag, f.file, text, send);
  }
  if (!request.follow) return;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (const f of followed) readAppended(agent, tag, f, send);
    }, FOLLOW_POLL_MS);
    cancelled?.addEventListener('abort', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

/** The real path of a log file, unless it is missing or lies outside the agent's path. */
function insideAgent(agent: Agent, path: string, file: string): { real: string; problem?: undefined } | { real?: undefined; problem: string } {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return { problem: `${file}: no such file yet` };
  }
  const root = realpathSync(agent.layout.root);
  const within = relative(root, real);
  if (within.startsWith('..') || isAbsolute(within)) return { problem: `${file} resolves outside the agent's path (${real}): not shown` };
  return { real };
}

function readAppended(agent: Agent, tag: string, f: { file: string; path: string; offset: number; ino: number }, send: (chunk: AppLogChunk) => void): void {
  const checked = insideAgent(agent, f.path, f.file);
  if (checked.real === undefined) return;
  const stats = statSync(checked.real);
  // rotated (another file at that name) or truncated: from its start, as tail -F does
  if (stats.ino !== f.ino || stats.size < f.offset) {
    if (f.ino) send({ tag, file: f.file, text: `(${f.file} was ${stats.ino !== f.ino ? 'rotated' : 'truncated'}: following it from its start)\n` });
    f.ino = stats.ino;
    f.offset = 0;
  }
  if (stats.size === f.offset) return;
  const length = Math.min(stats.size - f.offset, FOLLOW_READ_BYTES);
  const buffer = Buffer.alloc(length);
  const fd = openSync(checked.real, 'r');
  try {
    readSync(fd, buffer, 0, length, f.offset);
  } finally {
    closeSync(fd);
  }
  f.offset += length;
  sendText(tag, f.file, buffer.toString('utf8'), send);
}

/** The last `count` lines of a file of `size` bytes, read backwards in blocks. */
function lastLines(path: string, size: number, count: number): string {
  const fd = openSync(path, 'r');
  try {
    let start = size;
    let text = '';
    while (start > 0) {
      const length = Math.min(64 * 1024, start);
      start -= length;
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, start);
      text = buffer.toString('utf8') + text;
      if (text.split('\n').length > count + 1) break;
    }
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-count).map((line) => `${line}\n`).join('');
  } finally {
    closeSync(fd);
  }
}

const CHUNK_CHARS = 4096;

function sendText(tag: string, file: string, text: string, send: (chunk: AppLogChunk) => void): void {
  for (let start = 0; start < text.length; start += CHUNK_CHARS) send({ tag, file, text: text.slice(start, start + CHUNK_CHARS) });
}
