/**
 * What ctl shows people, through real ctl runs: piped (no colour, errors on a
 * line of their own and once, plurals, the closing summary) and on a
 * pseudo-terminal made by util-linux `script` (colours, the upload bar).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CTL, ctl, runCommand } from './support/ctl.ts';
import { deployableSite } from './support/local-agent.ts';
import { freePort } from './support/ports.ts';

const COLOUR = /\x1b\[[0-9;]*m/;
const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** ctl on a pseudo-terminal: what a person at a terminal would see, escape codes included. */
function ctlOnTerminal(args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  const command = [process.execPath, CTL, ...args].map(quote).join(' ');
  return runCommand('script', ['-qec', command, '/dev/null'], { cwd: options.cwd, env: { COLUMNS: '120', ...options.env } });
}

test('ctl deploy on a terminal and piped: colours only on a terminal, the bar, the summary, errors once on their own line', async (t) => {
  const { site, env } = await deployableSite(t);

  const first = await ctlOnTerminal(['deploy'], { cwd: site.dir, env });
  assert.equal(first.code, 0, first.stdout);
  assert.match(first.stdout, /Connecting to 127\.0\.0\.1:\d+\.\.\.\x1b\[32mdone\x1b\[0m/, 'done in green');
  assert.match(first.stdout, /Deploying eggs to host\.\.\.\[[^\]]+\] 100% [\d.]+ KiB of [\d.]+ KiB, [\d.]+ (bytes|KiB|MiB)\/s/, 'the upload bar in human units reaches 100%');
  assert.match(first.stdout, /\x1b\[1mDeployment complete at version 0\.1\x1b\[0m/);

  // A develop egg that cannot be built: the error starts its own line, once, with no colour when piped.
  const setup = join(site.dir, 'src/acme.web/setup.py');
  const goodSetup = readFileSync(setup, 'utf8');
  writeFileSync(setup, `${goodSetup}\nthis is not python\n`);
  const broken = await ctl(['deploy'], { cwd: site.dir, env });
  assert.notEqual(broken.code, 0);
  assert.match(broken.stdout, /Pinning egg versions\.\.\.failed\n$/, 'the open progress line is closed before the error');
  assert.match(broken.stderr, /^error: /);
  assert.equal(broken.stderr.match(/^error: /gm)?.length, 1, broken.stderr);
  assert.doesNotMatch(broken.stdout + broken.stderr, COLOUR);
  writeFileSync(setup, goodSetup);

  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# a change\n');
  const second = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.doesNotMatch(second.stdout, COLOUR);
  assert.doesNotMatch(second.stdout, /\(s\)/, 'no "file(s)"');
  assert.match(second.stdout, /Pinning egg versions\.\.\.done \(\d+ eggs; released acme\.web /);
  assert.match(second.stdout, /Deploying eggs to host\.\.\.done \(2 files, [\d.]+ KiB\)/);
  assert.match(second.stdout, /Checking health\.\.\.done \(healthy after 1 attempt\)|healthy after \d+ attempts\)/);
  assert.match(second.stdout, /\nTook [\d.]+ (s|ms), down [\d.]+ (s|ms) \(stop to healthy\), [\d.]+ KiB sent\nDeployment complete at version 0\.2\n$/);

  // A failed health check: the phase says FAILED, its reason is printed once, as the error.
  const cfg = join(site.dir, 'buildout.cfg');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(/health-url = .*/, `health-url = http://127.0.0.1:${await freePort()}/`).replace('health-timeout = 10', 'health-timeout = 2'));
  appendFileSync(join(site.dir, 'src/acme.web/acme/web/server.py'), '\n# another change\n');
  const failed = await ctl(['deploy'], { cwd: site.dir, env });
  assert.equal(failed.code, 6, failed.stdout + failed.stderr);
  assert.match(failed.stdout, /Checking health\.\.\.FAILED\n/);
  const reason = /health check failed after \d+ attempts?/;
  assert.equal((failed.stdout + failed.stderr).match(new RegExp(reason, 'g'))?.length, 1, `the reason once:\n${failed.stdout}\n${failed.stderr}`);
  assert.match(failed.stderr, new RegExp(`^error: .*deploy of version 0\.3 failed: ${reason.source}`));

  // NO_COLOR and --no-color turn colours off on a terminal too; --quiet leaves only the result.
  const noColour = await ctlOnTerminal(['deploy'], { cwd: site.dir, env: { ...env, NO_COLOR: '1' } });
  const noColourFlag = await ctlOnTerminal(['status', '--no-color'], { cwd: site.dir, env });
  assert.doesNotMatch(noColour.stdout + noColourFlag.stdout, COLOUR);
  assert.match(noColour.stdout, /Checking health\.\.\.FAILED/);
  const coloured = await ctlOnTerminal(['rollback'], { cwd: site.dir, env });
  assert.match(coloured.stdout, /\x1b\[32mdone\x1b\[0m/);
  const quiet = await ctl(['rollback', '--to', '0.2', '--quiet'], { cwd: site.dir, env });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stdout, 'Rolled back to version 0.2\n');
});
