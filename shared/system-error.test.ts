import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HostoutError, StateError } from './errors.ts';
import { EXIT, explainSystemError, SystemError, typedError } from './system-error.ts';

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

test('a real ENOTDIR from rename becomes a typed error naming the path, with a hint and EX_CANTCREAT', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'hostout-syserr-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(join(root, 'file'), '');
  const typed = explainSystemError(thrownBy(() => renameSync(join(root, 'file'), join(root, 'file', 'x'))));
  assert.ok(typed instanceof SystemError && typed instanceof HostoutError);
  assert.equal(typed.message, `cannot replace ${join(root, 'file', 'x')}: a part of the path is a file, not a directory (ENOTDIR)`);
  assert.equal(typed.exitCode, EXIT.cannotCreate);
  assert.match(typed.hint ?? '', /parent .* is a regular file/);
});

test('ENOSPC without a path (a write on an open file) still says what to do; EADDRINUSE names the address', () => {
  const full = explainSystemError(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }));
  assert.equal(full?.message, 'no space left on the device (ENOSPC, write)');
  assert.match(full?.hint ?? '', /free space .*keep-releases/);
  assert.equal(full?.exitCode, EXIT.ioError);
  const busy = explainSystemError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 7611 }));
  assert.equal(busy?.message, 'cannot listen on 127.0.0.1:7611: the address is already in use (EADDRINUSE)');
  assert.equal(busy?.exitCode, EXIT.unavailable);
});

test('typed errors and errors that are not system errors pass through unchanged', () => {
  const typed = new StateError('x');
  assert.equal(typedError(typed), typed);
  const bug = new TypeError('undefined is not a function');
  assert.equal(typedError(bug), bug);
  assert.equal(explainSystemError(Object.assign(new Error('?'), { code: 'ERR_INVALID_ARG_TYPE' })), undefined);
});
