import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostoutError } from '../../shared/errors.ts';
import { connectionLost, whatTheHostDoes } from './interruption.ts';

test('before the Deploy call nothing changed on the host; after it, the host goes on with the deploy in its phase', () => {
  assert.equal(whatTheHostDoes({ operation: 'deploy', requested: false, tag: 't1' }), 'nothing changed on the host (blobs already uploaded stay there and are not sent again)');
  assert.equal(whatTheHostDoes({ operation: 'deploy', requested: true, tag: '20261201-abcd', phase: 'build' }), 'the host goes on with deploy 20261201-abcd (phase build); `ctl status` shows the outcome');
  assert.equal(whatTheHostDoes({ operation: 'rollback', requested: true }), 'the host goes on with the rollback (phase verify); `ctl status` shows the outcome');
  assert.equal(whatTheHostDoes({ operation: 'rollback', requested: false }), 'nothing changed on the host');
});

test('a lost connection after the request says what a restarted agent does; before it, only that nothing changed', () => {
  const dropped = new HostoutError('lost the connection to the agent during Deploy: Connection dropped', { where: '127.0.0.1:7611' });
  const after = connectionLost(dropped, { operation: 'deploy', requested: true, tag: 't2', phase: 'build' });
  assert.equal(after.message, dropped.message);
  assert.equal(after.where, '127.0.0.1:7611');
  assert.match(after.hint ?? '', /^the host goes on with deploy t2 \(phase build\); `ctl status` shows the outcome; if the agent itself stopped .* from its journal when it starts again/);
  assert.equal(connectionLost(dropped, { operation: 'deploy', requested: false }).hint, 'nothing changed on the host (blobs already uploaded stay there and are not sent again)');
});
