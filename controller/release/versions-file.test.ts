import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReleaseError } from '../../shared/errors.ts';
import { readTeamVersionsFile, refuseOverruledTeamPins, renderVersionsFile } from './versions-file.ts';

const TEAM = '# ours\n[buildout]\nextends = more-pins.cfg\n\n[versions]\nplainhtml = 1.1\nAcme.Web = 0.9\nzope.interface = >=5\n[other]\nplainhtml = 9\n';
const team = readTeamVersionsFile('/b/versions.cfg', TEAM, 'versions');
const nowhere = () => undefined;

test('the team pins are those of the versions section, with their lines', () => {
  assert.deepEqual(team.pins.map((p) => [p.key, p.value, p.line]), [['plainhtml', '1.1', 6], ['Acme.Web', '0.9', 7], ['zope.interface', '>=5', 8]]);
  assert.deepEqual(readTeamVersionsFile('/b/v.cfg', TEAM, 'other').pins.map((p) => p.value), ['9']);
});

test("without a team file the pins file is Hostout's section alone, sorted", () => {
  assert.equal(renderVersionsFile({ b: '2', a: '1.0' }), '# Pinned by Hostout: every egg production needs. Used only in production; do not edit.\n[versions]\na = 1.0\nb = 2\n');
});

test("a team file is kept as written and Hostout's pins follow, spelt as the team spells them", () => {
  const text = renderVersionsFile({ 'acme.web': '1.0', plainhtml: '1.1' }, team);
  assert.ok(text.startsWith(TEAM));
  const added = text.slice(TEAM.length);
  assert.match(added, /^\[versions\]\nAcme\.Web\s+= 1\.0\nplainhtml\s+= 1\.1\n$/m);
  const unterminated = renderVersionsFile({ a: '1' }, readTeamVersionsFile('/b/v.cfg', '[versions]\nx = 1', 'versions'));
  assert.ok(unterminated.startsWith('[versions]\nx = 1\n\n# Added by Hostout'), 'a missing final newline is added');
});

test('a third-party pin buildout did not follow is an error at its line naming both versions and the winning pin', () => {
  assert.throws(
    () => refuseOverruledTeamPins(team, [{ name: 'plainhtml', version: '1.2' }], new Set(), () => ({ value: '1.2', where: '/b/prod.cfg:7' })),
    (e: unknown) =>
      e instanceof ReleaseError &&
      e.where === '/b/versions.cfg:6' &&
      /plainhtml = 1\.1, but buildout resolved plainhtml 1\.2 .*\(\/b\/prod\.cfg:7 pins plainhtml = 1\.2\)/.test(e.message),
  );
});

test('develop eggs, ranges, equal PEP 440 versions and eggs production does not use are not conflicts', () => {
  const resolved = [
    { name: 'PlainHTML', version: '1.1.0' },
    { name: 'acme.web', version: '1.0.post3' },
    { name: 'zope.interface', version: '6.0' },
  ];
  refuseOverruledTeamPins(team, resolved, new Set(['acme.web']), nowhere);
  refuseOverruledTeamPins(team, [], new Set(), nowhere);
  assert.throws(() => refuseOverruledTeamPins(team, resolved, new Set(), nowhere), /Acme\.Web = 0\.9, but buildout resolved acme\.web 1\.0\.post3 for production$/);
});
