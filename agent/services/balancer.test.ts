/**
 * The balancer a rolling switch drives, against a real HAProxy (Debian's) in front of real
 * HTTP servers on loopback: an instance that never drains is stopped after drain-timeout and
 * the output says so; put back, it is waited for until HAProxy's own check sees it up; unknown
 * servers are named with the ones the backend has; without a balancer, the output says nothing drains.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slowableHttpServer, startHaproxy } from '../../test/support/haproxy.ts';
import { balancerFor } from './balancer.ts';
import { BalancerError, HaproxyRuntime } from './haproxy-runtime.ts';


const instance = (server: string, port: number) => ({ script: `bin/${server}`, healthUrl: `http://127.0.0.1:${port}/`, server });

test('drain-timeout: an instance still holding a request is taken out anyway, and the output says how many were cut', async (t) => {
  const one = await slowableHttpServer();
  const two = await slowableHttpServer();
  const haproxy = await startHaproxy({ backend: 'plone', servers: { instance1: one.port, instance2: two.port } });
  t.after(async () => {
    await haproxy.stop();
    one.server.closeAllConnections();
    two.server.closeAllConnections();
    one.server.close();
    two.server.close();
  });
  const balancer = balancerFor({ kind: 'haproxy', socket: haproxy.socket, backend: 'plone', drainTimeoutSeconds: 1 }, '/nonexistent-release');
  const runtime = new HaproxyRuntime(haproxy.socket);
  const hanging = fetch(`http://127.0.0.1:${haproxy.port}/?delay=4000`).then((r) => r.text(), () => 'cut');
  let busy: string | undefined;
  for (let i = 0; i < 100 && !busy; i++) {
    busy = (await runtime.servers('plone')).find((s) => s.sessions > 0)?.server;
    if (!busy) await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(busy, 'the long request reached a server');
  const lines: string[] = [];
  const started = Date.now();
  await balancer.takeOut(instance(busy!, 1), (line) => lines.push(line));
  assert.ok(Date.now() - started >= 1000, 'it waited drain-timeout');
  assert.match(lines.join('\n'), /bin\/instance\d: still held 1 session\(s\) after drain-timeout 1 s: stopping it anyway, those requests are cut/);
  assert.equal((await runtime.server('plone', busy!)).status, 'DRAIN');
  void hanging;
});

test('put back: waits until HAProxy\'s own check sees the restarted instance up', async (t) => {
  const one = await slowableHttpServer();
  const two = await slowableHttpServer();
  const haproxy = await startHaproxy({ backend: 'plone', servers: { instance1: one.port, instance2: two.port } });
  t.after(async () => {
    await haproxy.stop();
    two.server.close();
  });
  const balancer = balancerFor({ kind: 'haproxy', socket: haproxy.socket, backend: 'plone', drainTimeoutSeconds: 5 }, '/nonexistent-release');
  const runtime = new HaproxyRuntime(haproxy.socket);
  const lines: string[] = [];
  await balancer.takeOut(instance('instance1', one.port), (line) => lines.push(line));
  assert.match(lines.join('\n'), /bin\/instance1: drained \(server plone\/instance1\) in \d+ ms/);
  // stopped: HAProxy's check marks it down
  await new Promise<void>((resolve) => one.server.close(() => resolve()));
  for (let i = 0; i < 100 && !(await runtime.server('plone', 'instance1')).status.startsWith('DOWN'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match((await runtime.server('plone', 'instance1')).status, /^DOWN/);
  // started again on its port: put back, and only then is it counted as serving
  const again = await slowableHttpServer(one.port);
  t.after(() => again.server.close());
  await balancer.putBack(instance('instance1', one.port), 5_000, (line) => lines.push(line));
  assert.match((await runtime.server('plone', 'instance1')).status, /^UP/);
  assert.match(lines.join('\n'), /bin\/instance1: back in rotation \(HAProxy sees it UP\) after \d+ ms/);

  // one that never comes up (nothing listens on its port): a clear error after the timeout
  await balancer.takeOut(instance('instance1', one.port), () => {});
  await new Promise<void>((resolve) => again.server.close(() => resolve()));
  for (let i = 0; i < 100 && !(await runtime.server('plone', 'instance1')).status.startsWith('DOWN'); i++) await new Promise((r) => setTimeout(r, 20));
  await assert.rejects(balancer.putBack(instance('instance1', one.port), 600, () => {}), (error: BalancerError) => {
    assert.match(error.message, /HAProxy still sees plone\/instance1 DOWN.* 0\.6 s after it was put back/);
    assert.match(error.hint ?? '', /HAProxy's own check of that server fails/);
    return true;
  });
});

test('an instance HAProxy does not know is named, with the servers it has; a socket that is not HAProxy is said to be so', async (t) => {
  const one = await slowableHttpServer();
  const haproxy = await startHaproxy({ backend: 'plone', servers: { client1: one.port } });
  t.after(async () => {
    await haproxy.stop();
    one.server.close();
  });
  const balancer = balancerFor({ kind: 'haproxy', socket: haproxy.socket, backend: 'plone', drainTimeoutSeconds: 5 }, '/');
  await assert.rejects(balancer.check([instance('client1', one.port), instance('instance2', 2)]), (error: BalancerError) => {
    assert.match(error.message, /HAProxy's backend "plone" has no server "instance2" \(instance bin\/instance2\)/);
    assert.match(error.hint ?? '', /its servers: client1;/);
    return true;
  });
  const wrongBackend = balancerFor({ kind: 'haproxy', socket: haproxy.socket, backend: 'zope', drainTimeoutSeconds: 5 }, '/');
  await assert.rejects(wrongBackend.check([instance('client1', one.port)]), /HAProxy at .* has no backend "zope"/);
  // a relative socket path is read from the release directory
  const [dir, name] = [haproxy.socket.slice(0, haproxy.socket.lastIndexOf('/')), haproxy.socket.slice(haproxy.socket.lastIndexOf('/') + 1)];
  await balancerFor({ kind: 'haproxy', socket: name, backend: 'plone', drainTimeoutSeconds: 5 }, dir).check([instance('client1', one.port)]);
});

test('without a balancer nothing drains, and the output says so', async () => {
  const balancer = balancerFor(undefined, '/');
  const lines: string[] = [];
  await balancer.check([instance('instance1', 1)]);
  await balancer.takeOut(instance('instance1', 1), (line) => lines.push(line));
  assert.deepEqual(lines, ['bin/instance1: nothing drains it (no balancer set): requests it holds now are cut when it stops']);
});
