import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addListItem, appendSection, setOption } from './buildout-file-edit.ts';
import { parseBuildoutText } from '../config/buildout-file.ts';

const valueOf = (text: string, section: string, key: string) =>
  parseBuildoutText(text, 'buildout.cfg').sections.filter((s) => s.name === section).flatMap((s) => s.options).filter((o) => o.key === key).map((o) => `${o.op} ${o.value}`);

test('addListItem adds `key += item` after the section\'s last option when the file does not set the option', () => {
  const text = '# mine\n[buildout]\nextends = dev.cfg\n\n[other]\nx = 1\n';
  const edited = addListItem(text, 'buildout.cfg', 'buildout', 'parts', 'deploy');
  assert.equal(edited, '# mine\n[buildout]\nextends = dev.cfg\nparts += deploy\n\n[other]\nx = 1\n');
});

test('addListItem continues the file\'s own option, after its last value line and before trailing comments', () => {
  const text = '[buildout]\nparts =\n    app\n# a note\n    web\n\n# about the next section\n[app]\nrecipe = x\n';
  const edited = addListItem(text, 'buildout.cfg', 'buildout', 'parts', 'deploy');
  assert.deepEqual(valueOf(edited, 'buildout', 'parts'), ['= app\nweb\ndeploy']);
  assert.match(edited, /    deploy\n\n# about the next section\n\[app\]/);
  assert.deepEqual(valueOf(addListItem('[buildout]\nparts = app\n', 'b.cfg', 'buildout', 'parts', 'deploy'), 'buildout', 'parts'), ['= app\ndeploy']);
});

test('addListItem ignores `-=` and writes a section the file lacks', () => {
  assert.deepEqual(valueOf(addListItem('[buildout]\nparts -= x\n', 'b.cfg', 'buildout', 'parts', 'deploy'), 'buildout', 'parts'), ['-= x', '+= deploy']);
  assert.equal(addListItem('[app]\nrecipe = x\n', 'b.cfg', 'buildout', 'parts', 'deploy'), '[app]\nrecipe = x\n\n[buildout]\nparts += deploy\n');
});

test('setOption replaces the file\'s own value, all its lines, or adds one', () => {
  assert.equal(setOption('[versions]\na = 1\nb =\n    2\nc = 3\n', 'b.cfg', 'versions', 'b', '4'), '[versions]\na = 1\nb = 4\nc = 3\n');
  assert.equal(setOption('[versions]\na = 1\n', 'b.cfg', 'versions', 'b', '4'), '[versions]\na = 1\nb = 4\n');
  assert.equal(setOption('[buildout]\nx = 1', 'b.cfg', 'versions', 'b', '4'), '[buildout]\nx = 1\n\n[versions]\nb = 4\n');
});

test('appendSection writes the options in order after one blank line', () => {
  assert.equal(appendSection('[buildout]\nextends = dev.cfg\n\n\n', 'deploy', [['recipe', 'collective.recipe.hostout'], ['host', '127.0.0.1']]),
    '[buildout]\nextends = dev.cfg\n\n[deploy]\nrecipe = collective.recipe.hostout\nhost = 127.0.0.1\n');
});
