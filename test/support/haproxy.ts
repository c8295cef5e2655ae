import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.ts';

/**
 * A real HAProxy (Debian's), in the foreground on a loopback port, with its runtime API on a
 * unix socket (`level admin`) and one backend of `servers` (name → loopback port), checked
 * every 100 ms as the issue's setup has it.
 */
export interface Haproxy {
  port: number;
  socket: string;
  backend: string;
  stop(): Promise<void>;
}

export async function startHaproxy(options: { backend: string; servers: Record<string, number> }): Promise<Haproxy> {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-haproxy-'));
  const port = await freePort();
  const socket = join(dir, 'admin.sock');
  const config = `global
    stats socket ${socket} level admin
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    retries 3
    option redispatch
frontend site
    bind 127.0.0.1:${port}
    default_backend ${options.backend}
backend ${options.backend}
${Object.entries(options.servers).map(([name, serverPort]) => `    server ${name} 127.0.0.1:${serverPort} check inter 100ms`).join('\n')}
`;
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const child = spawn('/usr/sbin/haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  for (let i = 0; i < 100 && !existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(socket)) throw new Error(`haproxy did not open its socket: ${stderr}`);
  return {
    port,
    socket,
    backend: options.backend,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTP server on loopback standing for an instance: answers "ok", after ?delay=N ms when asked. */
export async function slowableHttpServer(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const delay = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('delay') ?? 0);
    setTimeout(() => response.end('ok'), delay);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}
