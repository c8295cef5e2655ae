/** `ctl config`: each target option as it resolves, and where its value came from (issue 19, item 6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ctl } from './support/ctl.ts';
import { copyExampleBuildout, removeDir } from './support/example-buildout.ts';

test('ctl config names the file and line of each set option, the defaults, and what was worked out', async (t) => {
  const dir = copyExampleBuildout();
  t.after(() => removeDir(dir));
  // a value set in an extended file, then added to with += in the top one
  writeFileSync(join(dir, 'team.cfg'), '[production]\nshared-dirs = var\n');
  const top = join(dir, 'buildout.cfg');
  appendFileSync(top, 'shared-dirs += media\n');
  writeFileSync(top, (await import('node:fs')).readFileSync(top, 'utf8').replace('extends = dev.cfg', 'extends = dev.cfg team.cfg'));
  const text = await ctl(['config'], { cwd: dir, env: { HOSTOUT_CONFIG_DIR: join(dir, '.config') } });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^\[production\]\n/);
  assert.match(text.stdout, /^path +=  ?\/srv\/acme +# buildout\.cfg:\d+$/m);
  assert.match(text.stdout, /^keep-releases += 3 +# buildout\.cfg:\d+$/m);
  assert.match(text.stdout, /^stop-timeout += 120 +# default$/m);
  assert.match(text.stdout, /^python += \/usr\/bin\/python3 +# worked out: /m);
  assert.match(text.stdout, /^shared-dirs += var +# buildout\.cfg:\d+\n {4}media$/m, "+= names the line that added to it, the values one per line");
  assert.match(text.stdout, /^# not set: hosts, hosts-from, .*migrate/m);
  const json = JSON.parse((await ctl(['config', '--json'], { cwd: dir, env: { HOSTOUT_CONFIG_DIR: join(dir, '.config') } })).stdout);
  const option = (key: string) => json.options.find((o: { key: string }) => o.key === key);
  assert.deepEqual(option('health-url'), { key: 'health-url', value: 'http://127.0.0.1:8080/health', origin: `${dir}/buildout.cfg:13` });
  assert.deepEqual(option('migrate'), { key: 'migrate', origin: 'not set' });
  assert.match(option('shared-dirs').value, /var\s+media/);
});
