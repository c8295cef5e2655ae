/**
 * Reads the bytes behind a URL while the caller waits, as buildout's urlretrieve does.
 * The config reader is synchronous (every command starts from it), so an HTTP(S) GET
 * runs in a short-lived Node child; `file:` URLs are read here, as buildout reads them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type FetchOutcome = { ok: true; content: Buffer } | { ok: false; reason: string };

/** Bounded so a server that accepts and never answers cannot hang a command. */
const FETCH_TIMEOUT_MS = 60_000;

// Runs in the child: the body on stdout, or a one-line reason on stderr and exit 2.
const CHILD_SCRIPT = `
const [url, timeout] = process.argv.slice(1);
try {
  const response = await fetch(url, { signal: AbortSignal.timeout(Number(timeout)) });
  if (!response.ok) { process.stderr.write('HTTP ' + response.status + ' ' + response.statusText); process.exit(2); }
  process.stdout.write(Buffer.from(await response.arrayBuffer()));
} catch (error) {
  process.stderr.write(String(error?.cause?.message ?? error?.message ?? error));
  process.exit(2);
}
`;

export function fetchUrlSync(url: string): FetchOutcome {
  if (/^file:/i.test(url)) return readFileUrl(url);
  const { NODE_OPTIONS: _loaders, ...env } = process.env;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD_SCRIPT, url, String(FETCH_TIMEOUT_MS)], {
    env,
    maxBuffer: 64 * 1024 * 1024,
    timeout: FETCH_TIMEOUT_MS + 5_000,
  });
  if (child.error) return { ok: false, reason: child.error.message };
  if (child.status !== 0) return { ok: false, reason: child.stderr.toString('utf8').trim() || `exit ${child.status ?? child.signal}` };
  return { ok: true, content: child.stdout };
}

/** Buildout opens urlparse(url).path as it is: no host, no percent-decoding. */
function readFileUrl(url: string): FetchOutcome {
  const path = url.replace(/^file:(\/\/[^/]*)?/i, '');
  try {
    return { ok: true, content: readFileSync(path) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
