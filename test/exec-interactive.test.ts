/**
 * `ctl exec -i` (issue 19, item 6): stdin forwarded, and from a terminal (a real pseudo-
 * terminal, util-linux script) the command runs on a terminal on the host, reads what is
 * typed, and Ctrl-C reaches it; without a terminal, piped input arrives whole.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ctl } from './support/ctl.ts';
import { ctlOnTerminal } from './support/terminal.ts';
import { deployableSite } from './support/local-agent.ts';

test('exec -i: piped input, a terminal that reads what is typed, Ctrl-C reaching the remote command', async (t) => {
  const { site, env } = await deployableSite(t);
  assert.equal((await ctl(['deploy'], { cwd: site.dir, env })).code, 0);

  const piped = await ctl(['exec', '-i', '--', 'sh', '-c', 'test -t 0 || echo "not a terminal"; wc -l'], { cwd: site.dir, env, input: 'one\ntwo\nthree\n' });
  assert.equal(piped.code, 0, piped.stderr);
  assert.match(piped.stdout, /^not a terminal\n3\n$/);

  const typed = await ctlOnTerminal(['exec', '-i', '--', 'sh', '-c', 'test -t 0 && echo "on a terminal"; printf "name? "; read name; echo "hello $name"; exit 7'], {
    cwd: site.dir,
    env,
    answers: [{ prompt: 'name? ', answer: 'ana' }],
    timeoutMs: 60_000,
  });
  assert.equal(typed.code, 7, typed.stdout + typed.stderr);
  assert.match(typed.stdout, /on a terminal\n/);
  assert.match(typed.stdout, /hello ana\n/);

  const interrupted = await ctlOnTerminal(['exec', '-i', '--', 'sh', '-c', 'echo ready; sleep 30; echo not-interrupted'], {
    cwd: site.dir,
    env,
    answers: [{ prompt: 'ready', answer: '\x03' }],
    timeoutMs: 60_000,
  });
  assert.notEqual(interrupted.code, 0);
  assert.doesNotMatch(interrupted.stdout, /not-interrupted/);

  const fleetless = await ctl(['exec', '-i', '--hosts', 'nowhere', '--', 'true'], { cwd: site.dir, env });
  assert.equal(fleetless.code, 3, fleetless.stderr);
});
