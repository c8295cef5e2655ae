import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visibleLine, visibleText } from './visible-text.ts';

test('control characters are shown, not sent: no cursor moves, no erased or forged lines', () => {
  const forged = 'work\r\x1b[2K\x1b[1ADeployment complete at version 9.9';
  assert.equal(visibleText(forged), 'work\\r^[[2K^[[1ADeployment complete at version 9.9');
  assert.equal(visibleText('bell\x07 del\x7f c1\x9b bidi\u202e'), 'bell^G del^? c1\\u{9b} bidi\\u{202e}');
  assert.equal(visibleText('two\nlines\tand a tab'), 'two\nlines\tand a tab');
  assert.equal(visibleLine('one\nline'), 'one\\nline');
  assert.equal(visibleText('plain ascii and ünïcödé'), 'plain ascii and ünïcödé');
});
