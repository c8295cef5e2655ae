import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseStopCommand } from './stop-command-choice.ts';

const hanging = { kind: 'command' as const, start: 'bin/app start', stop: 'sleep 1000', names: [], stopTimeoutSeconds: 120 };
const fixed = { kind: 'command' as const, start: 'bin/app start', stop: 'bin/app stop', names: [], stopTimeoutSeconds: 5 };

test('a deploy stops the running release with the stop command of the config being deployed', () => {
  const choice = chooseStopCommand({ tag: 'r1', version: '0.1', services: hanging }, { tag: 'r2', version: '0.2', services: fixed });
  assert.equal(choice.command, '`bin/app stop`');
  assert.equal(choice.timeoutSeconds, 5);
  assert.match(choice.origin, /config being deployed \(version 0\.2, r2/);
});

test('when the new config manages services another way, the running release stops with its own definition', () => {
  const systemd = { kind: 'systemd' as const, names: ['acme-zeo', 'acme-web'] };
  const choice = chooseStopCommand({ tag: 'r1', version: '0.1', services: hanging }, { tag: 'r2', version: '0.2', services: systemd });
  assert.equal(choice.command, '`sleep 1000`');
  assert.match(choice.origin, /version 0\.1 \(r1\) was deployed with.*changes services from command to systemd/);
  const back = chooseStopCommand({ tag: 'r2', version: '0.2', services: systemd }, { tag: 'r3', version: '0.3', services: systemd });
  assert.equal(back.command, 'systemctl stop acme-web acme-zeo');
  assert.equal(back.timeoutSeconds, 120, 'a manifest without stop-timeout keeps the services default');
});

test('a rollback stops the running release with its own stop command; a release without a manifest stops nothing', () => {
  const rollback = chooseStopCommand({ tag: 'r2', version: '0.2', services: fixed });
  assert.equal(rollback.command, '`bin/app stop`');
  assert.match(rollback.origin, /version 0\.2 \(r2\) was deployed with/);
  const bare = chooseStopCommand({ tag: 'r0', version: '0.1', services: undefined }, { tag: 'r2', version: '0.2', services: fixed });
  assert.equal(bare.command, '`bin/app stop`', 'the new config still knows how to stop');
  const nothing = chooseStopCommand({ tag: 'r0', version: '0.1', services: undefined });
  assert.equal(nothing.command, 'nothing (services = none)');
});
