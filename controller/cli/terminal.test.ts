import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProgressOutput, closeOpenProgressLines, styleFor } from './terminal.ts';

function sink(isTTY: boolean) {
  const written: string[] = [];
  const stream = { isTTY, columns: 60, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written.join('') };
}

test('colours only on a terminal, and never with NO_COLOR or --no-color', () => {
  assert.equal(styleFor({ isTTY: true }, [], {}).ok('done'), '\x1b[32mdone\x1b[0m');
  assert.equal(styleFor({ isTTY: false }, [], {}).ok('done'), 'done');
  assert.equal(styleFor({ isTTY: true }, [], { NO_COLOR: '1' }).ok('done'), 'done');
  assert.equal(styleFor({ isTTY: true }, ['--no-color'], {}).fail('FAILED'), 'FAILED');
});

test('an open progress line is ended before an error, so the error starts a line of its own', () => {
  const out = sink(false);
  const progress = new ProgressOutput(out.stream, { quiet: false });
  progress.write('Connecting...done\nPinning egg versions...');
  closeOpenProgressLines();
  assert.equal(out.text(), 'Connecting...done\nPinning egg versions...failed\n');
  closeOpenProgressLines();
  assert.equal(out.text(), 'Connecting...done\nPinning egg versions...failed\n', 'a closed line is not closed twice');
});

test('activity is shown on a terminal only, cut to its width, and wiped before the line goes on', () => {
  const piped = sink(false);
  const pipedProgress = new ProgressOutput(piped.stream, { quiet: false });
  pipedProgress.write('Running remote buildout...');
  pipedProgress.status('Installing app.');
  pipedProgress.write('done\n');
  assert.equal(piped.text(), 'Running remote buildout...done\n');

  const tty = sink(true);
  const progress = new ProgressOutput(tty.stream, { quiet: false });
  progress.write('Running remote buildout...');
  progress.status(`Getting distribution for 'acme.web==1.0' from a very long path indeed`);
  progress.write('done\n');
  const lines = tty.text().split('\r\x1b[2K');
  assert.match(lines[1]!, /^Running remote buildout\.\.\.\x1b\[2m 0 s {2}Getting distribution for 'a\x1b\[0m$/, 'cut to 59 columns');
  assert.equal(lines[2], 'Running remote buildout...done\n');
});

test('--quiet drops progress entirely', () => {
  const out = sink(true);
  const progress = new ProgressOutput(out.stream, { quiet: true });
  progress.write('Connecting...');
  progress.status('x');
  progress.closeLine('failed');
  assert.equal(out.text(), '');
});

test('a progress bar borrows the open line: no status over it, the line drawn again when it is back', () => {
  const tty = sink(true);
  const progress = new ProgressOutput(tty.stream, { quiet: false });
  progress.write('Deploying eggs to host...');
  assert.deepEqual(progress.lendLine(), { stream: tty.stream, prefix: 'Deploying eggs to host...' });
  progress.status('not drawn');
  assert.equal(tty.text(), 'Deploying eggs to host...');
  progress.redraw();
  progress.write('done\n');
  assert.equal(tty.text(), 'Deploying eggs to host...\r\x1b[2KDeploying eggs to host...done\n');
  assert.equal(new ProgressOutput(sink(false).stream, { quiet: false }).lendLine(), false, 'no bar when piped');
});
