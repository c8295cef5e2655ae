/**
 * The runtime API of a real HAProxy (Debian's), in front of two real HTTP servers on
 * loopback: servers and their sessions, drain that waits for the sessions in flight (or
 * its timeout), ready, and the clear errors of a wrong socket, backend or server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { slowableHttpServer, startHaproxy } from '../../test/support/haproxy.ts';
import { BalancerError, HaproxyRuntime } from './haproxy-runtime.ts';


test('servers, drain waiting for the session in flight, ready; and drain-timeout when one outlasts it', async (t) => {
  const one = await slowableHttpServer();
  const two = await slowableHttpServer();
  const haproxy = await startHaproxy({ backend: 'plone', servers: { instance1: one.port, instance2: two.port } });
  t.after(async () => {
    await haproxy.stop();
    one.server.close();
    two.server.close();
  });
  const runtime = new HaproxyRuntime(haproxy.socket);
  assert.deepEqual((await runtime.servers('plone')).map((s) => s.server), ['instance1', 'instance2']);

  // a slow request held by instance1 (haproxy's first pick, round robin from the start)
  const slow = fetch(`http://127.0.0.1:${haproxy.port}/?delay=800`).then((r) => r.text());
  for (let i = 0; i < 50 && (await runtime.server('plone', 'instance1')).sessions === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await runtime.server('plone', 'instance1')).sessions, 1, 'the slow request is in flight on instance1');
  const drained = await runtime.drain('plone', 'instance1', 5_000);
  assert.equal(drained.sessionsLeft, 0, 'drain waited for the request in flight');
  assert.ok(drained.waitedMs >= 300, `it waited (${drained.waitedMs} ms)`);
  assert.equal(await slow, 'ok', 'the request in flight was answered, not cut');
  assert.equal((await runtime.server('plone', 'instance1')).status, 'DRAIN');
  // while instance1 drains, every new request goes to instance2
  for (let i = 0; i < 6; i++) assert.equal(await fetch(`http://127.0.0.1:${haproxy.port}/`).then((r) => r.status), 200);
  assert.equal((await runtime.server('plone', 'instance1')).sessions, 0);
  await runtime.setState('plone', 'instance1', 'ready');
  assert.equal((await runtime.server('plone', 'instance1')).status, 'UP');

  // a request longer than the drain timeout: drain gives up after it and says how many are left
  const hanging = fetch(`http://127.0.0.1:${haproxy.port}/?delay=1500`).then((r) => r.text());
  const busy = async () => (await runtime.servers('plone')).find((s) => s.sessions > 0)?.server;
  let server: string | undefined;
  for (let i = 0; i < 50 && !(server = await busy()); i++) await new Promise((r) => setTimeout(r, 20));
  const timedOut = await runtime.drain('plone', server!, 200);
  assert.equal(timedOut.sessionsLeft, 1);
  assert.ok(timedOut.waitedMs >= 200, `it waited its timeout (${timedOut.waitedMs} ms)`); // and gave up with the request still in flight: sessionsLeft 1
  assert.equal(await hanging, 'ok');
  await runtime.setState('plone', server!, 'ready');
});

test('a missing socket, a socket that is not HAProxy, an unknown backend and an unknown server: errors that say what there is', async (t) => {
  const one = await slowableHttpServer();
  const haproxy = await startHaproxy({ backend: 'plone', servers: { instance1: one.port } });
  const dir = mkdtempSync(join(tmpdir(), 'hostout-not-haproxy-'));
  const impostor = createNetServer((socket) => socket.end('hello from something else\n'));
  await new Promise<void>((resolve) => impostor.listen(join(dir, 'other.sock'), resolve));
  t.after(async () => {
    await haproxy.stop();
    one.server.close();
    impostor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const reject = async (work: Promise<unknown>, message: RegExp, hint: RegExp) =>
    assert.rejects(work, (error: unknown) => {
      assert.ok(error instanceof BalancerError);
      assert.match(error.message, message);
      assert.match(error.hint ?? '', hint);
      return true;
    });
  await reject(new HaproxyRuntime(join(dir, 'missing.sock')).servers('plone'), /cannot reach HAProxy's runtime API at .*missing\.sock: no such socket/, /stats socket .* level admin/);
  await reject(new HaproxyRuntime(join(dir, 'other.sock')).servers('plone'), /other\.sock is not HAProxy's runtime API: to "show stat" it answered "hello from something else/, /stats socket PATH level admin/);
  const runtime = new HaproxyRuntime(haproxy.socket);
  await reject(runtime.servers('zope'), /HAProxy at .* has no backend "zope"/, /its backends: plone/);
  await reject(runtime.server('plone', 'instance9'), /HAProxy's backend "plone" has no server "instance9"/, /its servers: instance1/);
});
