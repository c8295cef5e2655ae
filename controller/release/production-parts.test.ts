import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuildoutConfig } from '../config/buildout-config.ts';
import { refuseTargetPartInProduction } from './production-parts.ts';

function production(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'production-parts-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, config: loadBuildoutConfig(join(dir, 'prod.cfg')) };
}

test('a target section the production config does not install is fine', () => {
  const { dir, config } = production({
    'prod.cfg': '[buildout]\nextends = base.cfg\n',
    'base.cfg': '[buildout]\nparts = app\n[app]\nrecipe = acme.recipe\n[deploy]\nrecipe = collective.recipe.hostout\npath = /srv/a\n',
  });
  try {
    refuseTargetPartInProduction(config);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a target in the production parts is refused, naming the parts line', () => {
  const { dir, config } = production({
    'prod.cfg': '[buildout]\nextends = base.cfg\n',
    'base.cfg': '[buildout]\nparts =\n    app\n    deploy\n[app]\nrecipe = acme.recipe\n[deploy]\nrecipe = collective.recipe.hostout\npath = /srv/a\n',
  });
  try {
    assert.throws(() => refuseTargetPartInProduction(config), (error: any) => {
      assert.match(error.message, /parts include \[deploy\], a deployment target/);
      assert.equal(error.where, `${join(dir, 'base.cfg')}:2`);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true });
  }
});
