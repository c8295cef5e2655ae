/**
 * Reads the bytes behind a URL while the caller waits, with the urllib buildout itself
 * downloads with (same proxies, redirects and error texts). The config reader is
 * synchronous (every command starts from it), so the GET runs in a short-lived Python;
 * `file:` URLs are read here, as buildout reads them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';

export type FetchOutcome = { ok: true; content: Buffer } | { ok: false; reason: string };

/** Bounded so a server that accepts and never answers cannot hang a command. */
const FETCH_TIMEOUT_SECONDS = 60;

// The body on stdout, or a one-line reason on stderr and exit 2.
const FETCH_SCRIPT = `
import sys, urllib.error, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2])) as response:
        sys.stdout.buffer.write(response.read())
except Exception as error:
    unreachable = isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError)
    sys.stderr.write(str(error.reason if unreachable else error))
    sys.exit(2)
`;

export function fetchUrlSync(url: string): FetchOutcome {
  if (/^file:/i.test(url)) return readFileUrl(url);
  const child = spawnSync(BUILDOUT_PYTHON, ['-c', FETCH_SCRIPT, url, String(FETCH_TIMEOUT_SECONDS)], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: (FETCH_TIMEOUT_SECONDS + 5) * 1000,
  });
  if (child.error) return { ok: false, reason: `cannot run ${BUILDOUT_PYTHON}: ${child.error.message}` };
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
