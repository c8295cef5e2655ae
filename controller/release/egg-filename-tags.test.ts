import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eggTagMismatches, eggTags } from './egg-filename-tags.ts';

test('pure and platform eggs: the python and platform tags are read from the name', () => {
  assert.deepEqual(eggTags('acme.web-1.0.post1-py3.11.egg'), { filename: 'acme.web-1.0.post1-py3.11.egg', python: '3.11', platform: undefined });
  assert.deepEqual(eggTags('lxml-4.9.2-py3.11-linux-x86_64.egg'), { filename: 'lxml-4.9.2-py3.11-linux-x86_64.egg', python: '3.11', platform: 'linux-x86_64' });
  assert.equal(eggTags('odd.egg').python, undefined);
});

test('an egg for another python version or platform is named with what the host needs', () => {
  const host = { version: '3.11.2', platform: 'linux-x86_64' };
  assert.deepEqual(eggTagMismatches(['a-1-py3.11.egg', 'b-2-py3.11-linux_x86_64.egg'], host), []);
  assert.deepEqual(eggTagMismatches(['a-1-py3.9.egg', 'b-2-py3.11-linux-aarch64.egg', 'c-1-py3.11.egg'], host), [
    'a-1-py3.9.egg is for Python 3.9, the host runs 3.11.2',
    'b-2-py3.11-linux-aarch64.egg is built for linux-aarch64, the host is linux-x86_64',
  ]);
});
