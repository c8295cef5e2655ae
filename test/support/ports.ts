import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** GETs a URL on loopback; resolves with status and body, or the error's code. */
export async function httpGet(url: string, timeoutMs = 2000): Promise<{ status: number; body: string; headers: Headers } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, body: await response.text(), headers: response.headers };
  } catch (error) {
    return { error: String((error as Error & { cause?: { code?: string } }).cause?.code ?? error) };
  }
}
