/**
 * A plain HTTP server for buildout files on 127.0.0.1, as a team's remote `extends`
 * would be served: Python's http.server over a folder, in its own process (the config
 * reader blocks its own process while it downloads). It logs every request it answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, httpGet } from './ports.ts';
import { waitFor } from './processes.ts';

export interface ConfigServer {
  /** e.g. http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  root: string;
  /** the paths requested so far, in order (the readiness probe of `/` left out) */
  requests(): string[];
  stop(): Promise<void>;
}

export async function serveConfigFiles(files: Record<string, string>): Promise<ConfigServer> {
  const root = mkdtempSync(join(tmpdir(), 'hostout-config-server-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  const port = await freePort();
  const child: ChildProcess = spawn('/usr/bin/python3', ['-u', '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', root], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`the config server on ${url}`, async () => 'status' in (await httpGet(`${url}/`)), 10_000);
  return {
    url,
    root,
    requests: () => [...log.matchAll(/"GET (\S+) HTTP/g)].map((m) => m[1] as string).filter((path) => path !== '/'),
    async stop() {
      if (child.exitCode !== null || child.signalCode) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
