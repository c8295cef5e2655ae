/**
 * Reading a config whose extends chain has six remote files (the size of a Plone release's
 * versions chain), served on 127.0.0.1: Hostout's reader with `newest = true` (asks the
 * server for each file), with `newest = false` (reads the cached copies), and real
 * zc.buildout 2.13 reading the same config, for comparison. Prints figures; asserts nothing.
 *   node --import tsx test/bench/remote-extends-bench.ts
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBuildoutConfig } from '../../controller/config/buildout-config.ts';
import { runBuildoutOracle } from '../../controller/config/fixtures/buildout-oracle.ts';
import { serveConfigFiles } from '../support/config-server.ts';
import { removeDir } from '../support/example-buildout.ts';

const ROUNDS = 5;
const files: Record<string, string> = {};
for (let i = 0; i < 6; i++) {
  const next = i < 5 ? `[buildout]\nextends = file${i + 1}.cfg\n` : '';
  files[`release/file${i}.cfg`] = `${next}[versions]\n${Array.from({ length: 200 }, (_, n) => `package${i}-${n} = 1.${n}`).join('\n')}\n`;
}
const server = await serveConfigFiles(files);
const dir = mkdtempSync(join(tmpdir(), 'remote-extends-bench-'));
const top = join(dir, 'buildout.cfg');
const options = { hostoutExtendsCache: join(dir, 'cache') };

function timePerRead(read: () => unknown): number {
  read();
  const start = performance.now();
  for (let i = 0; i < ROUNDS; i++) read();
  return (performance.now() - start) / ROUNDS;
}

try {
  for (const newest of ['true', 'false']) {
    writeFileSync(top, `[buildout]\nparts =\nnewest = ${newest}\nextends = ${server.url}/release/file0.cfg\n`);
    const ours = timePerRead(() => loadBuildoutConfig(top, [], options));
    const theirs = timePerRead(() => runBuildoutOracle(top, [`extends-cache=${options.hostoutExtendsCache}`]));
    console.log(`newest = ${newest}: Hostout's reader ${ours.toFixed(0)} ms, zc.buildout (whole start-up) ${theirs.toFixed(0)} ms per read of 6 remote files`);
  }
} finally {
  await server.stop();
  removeDir(dir);
}
