/**
 * The agent as a system service: the systemd unit ctl bootstrap installs, checked
 * by systemd itself, and the readiness / status / watchdog messages the agent sends
 * on a real NOTIFY_SOCKET.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AGENT, runCommand } from './support/ctl.ts';
import { removeDir } from './support/example-buildout.ts';
import { renderAgentUnit } from '../controller/bootstrap/host-setup-files.ts';
import { freePort } from './support/ports.ts';

test('the agent unit passes systemd-analyze verify, with and without sudo for systemd services', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-unit-'));
  t.after(() => removeDir(dir));
  for (const servicesNeedRoot of [false, true]) {
    const unit = renderAgentUnit({ user: 'root', path: dir, exec: AGENT, servicesNeedRoot });
    assert.match(unit, /^Type=notify$/m);
    assert.match(unit, /^WatchdogSec=\d+$/m);
    assert.match(unit, /^Restart=on-failure$/m);
    assert.match(unit, /^ProtectSystem=strict$/m);
    assert.match(unit, new RegExp(`^ReadWritePaths=${dir}$`, 'm'));
    assert.match(unit, /^MemoryMax=\d+G$/m);
    assert.match(unit, /^TasksMax=\d+$/m);
    assert.match(unit, servicesNeedRoot ? /^NoNewPrivileges=false$/m : /^NoNewPrivileges=true$/m);
    const file = join(dir, 'hostout-agent-test.service');
    writeFileSync(file, unit);
    const verify = await runCommand('systemd-analyze', ['verify', file]);
    const aboutOurUnit = (verify.stdout + verify.stderr).split('\n').filter((l) => l.includes('hostout-agent-test'));
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.deepEqual(aboutOurUnit, []);
  }
});

test('under systemd the agent sends READY=1, its status and watchdog pings on NOTIFY_SOCKET', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-notify-'));
  const socket = join(dir, 'notify.sock');
  // the receiving end of NOTIFY_SOCKET: a unix datagram socket, as systemd binds it
  const receiver = spawn('/usr/bin/python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", " | "), flush=True)
`, socket]);
  let received = '';
  receiver.stdout.on('data', (d) => (received += d));
  const init = await runCommand(process.execPath, [AGENT, 'init', '--path', join(dir, 'srv'), '--listen', `127.0.0.1:${await freePort()}`]);
  assert.equal(init.code, 0, init.stderr);
  while (!received.includes('bound')) await new Promise((r) => setTimeout(r, 20));
  const agent = spawn(process.execPath, [AGENT, 'serve', '--path', join(dir, 'srv')], { env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: '1000000' }, stdio: 'ignore' });
  t.after(() => {
    agent.kill('SIGKILL');
    receiver.kill('SIGKILL');
    removeDir(dir);
  });
  for (let i = 0; i < 200 && !(received.includes('READY=1') && received.includes('WATCHDOG=1')); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(received, /READY=1/);
  assert.match(received, /STATUS=serving on 127\.0\.0\.1:\d+/);
  assert.match(received, /WATCHDOG=1/);

  const exited = new Promise((r) => agent.once('exit', r));
  agent.kill('SIGTERM');
  await exited;
  await new Promise((r) => setTimeout(r, 200));
  assert.match(received, /STOPPING=1/);
});
