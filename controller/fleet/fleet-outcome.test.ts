import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetDeployHint, fleetSplit } from './fleet-outcome.ts';

test('a failed rollout says what happened on each host, not what usually happens', () => {
  const hint = fleetDeployHint([
    { host: 'web1', result: 'deployed' },
    { host: 'web2', result: 'unreachable' },
    { host: 'web3', result: 'failed', phase: 'build' },
    { host: 'web4', result: 'failed', phase: 'health' },
    { host: 'web5', result: 'skipped' },
  ]);
  assert.match(hint, /^web2 could not be reached: nothing changed there; web3 failed before going live: nothing stopped there, the release was dropped; web4 failed going live and rolled back by itself to the release it served before; web5 not reached: the rollout stopped first\./);
  assert.doesNotMatch(fleetDeployHint([{ host: 'web2', result: 'unreachable' }]), /rolled back/);
});

test('a rollback that leaves hosts on several versions says the fleet is split, who runs what, and how to join it', () => {
  assert.equal(fleetSplit([{ host: 'web1', result: 'rolled back', version: '0.2' }, { host: 'web2', result: 'rolled back', version: '0.2' }]), undefined);
  const split = fleetSplit([
    { host: 'web1', result: 'rolled back', version: '0.2' },
    { host: 'web2', result: 'failed', version: '0.3' },
    { host: 'web3', result: 'unreachable' },
  ]);
  assert.equal(split, 'the fleet is split: web1 on 0.2; web2 on 0.3; web3 unreachable. To bring it together once the failed hosts are fixed: `ctl rollback --to 0.2 --hosts web2,web3`, or deploy again (`ctl deploy`) to put every host on one new release');
  assert.match(fleetSplit([{ host: 'web1', result: 'unreachable' }, { host: 'web2', result: 'unreachable' }])!, /web1 and web2 unreachable\. To deploy again/);
});
