import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readBalancer, readInstances } from './instance-settings.ts';
import type { TargetError } from '../../shared/errors.ts';

const where = 'buildout.cfg:12';

test('instances: script, health URL and server (default: the script\'s name)', () => {
  assert.deepEqual(readInstances('\nbin/instance1  http://127.0.0.1:8081/ok\n  bin/instance2 http://127.0.0.1:8082/ok client2\n# a comment\n', where), [
    { script: 'bin/instance1', healthUrl: 'http://127.0.0.1:8081/ok', server: 'instance1' },
    { script: 'bin/instance2', healthUrl: 'http://127.0.0.1:8082/ok', server: 'client2' },
  ]);
});

test('instances: each bad entry is refused naming it, its line and the format', () => {
  const refused = (value: string, message: RegExp, hint?: RegExp) =>
    assert.throws(() => readInstances(value, where), (error: TargetError) => {
      assert.match(error.message, message);
      assert.match(error.where ?? '', /^buildout\.cfg:12/);
      if (hint) assert.match(error.hint ?? '', hint);
      return true;
    });
  refused('bin/instance1', /instances: "bin\/instance1": expected 2 or 3 fields, found 1/, /SCRIPT HEALTH-URL \[SERVER\]/);
  refused('bin/instance1 http://a/ok x y', /expected 2 or 3 fields, found 4/);
  refused('bin/instance1 127.0.0.1:8081/ok', /127\.0\.0\.1:8081\/ok is not an http:\/\/ or https:\/\/ URL/);
  refused('/srv/plone/bin/instance1 http://127.0.0.1:8081/ok', /must be a path inside the release/);
  refused('../bin/instance1 http://127.0.0.1:8081/ok', /must be a path inside the release/);
  refused('bin/instance1 http://127.0.0.1:8081/ok\nbin/instance2 http://127.0.0.1:8081/ok', /bin\/instance1 and bin\/instance2 have one health URL, http:\/\/127\.0\.0\.1:8081\/ok/, /a broken instance is reported healthy while another answers for it/);
  refused('bin/instance1 http://127.0.0.1:8081/ok\n./bin/instance1 http://127.0.0.1:8082/ok', /bin\/instance1 is named twice/);
  refused('bin/instance1 http://127.0.0.1:8081/ok web\nbin/instance2 http://127.0.0.1:8082/ok web', /two instances are server "web"/);
  assert.throws(() => readInstances('x\ny', where), (error: TargetError) => error.where === 'buildout.cfg:12 (instances, entry 2)' || error.where === 'buildout.cfg:12 (instances, entry 1)');
});

test('balancer: haproxy SOCKET BACKEND, and what else is said plainly', () => {
  assert.deepEqual(readBalancer(' haproxy /run/haproxy/admin.sock plone ', where, 30), { kind: 'haproxy', socket: '/run/haproxy/admin.sock', backend: 'plone', drainTimeoutSeconds: 30 });
  assert.throws(() => readBalancer('nginx /run/nginx.sock plone', where, 30), (error: TargetError) => /"nginx" is not a balancer Hostout drives; it drives haproxy/.test(error.message) && /leave balancer unset: the instances still restart one at a time, undrained/.test(error.hint ?? ''));
  assert.throws(() => readBalancer('haproxy /run/haproxy/admin.sock', where, 30), /expected 3 fields, found 2/);
});
