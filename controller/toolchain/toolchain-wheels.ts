import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeEgg, type BuiltEgg } from '../release/develop-egg.ts';
import { runPythonHelper } from '../release/python-script.ts';

export interface ToolchainWheel extends BuiltEgg {
  name: string;
  version: string;
}

/**
 * A wheel of each toolchain distribution, packed from what pip installed in the team's
 * virtualenv (its RECORD) so a host without an index gets exactly that toolchain. Packed
 * once per name and version into `cacheDir`; the packing is deterministic, so every
 * laptop ships the same bytes for the same installed files.
 */
export async function toolchainWheels(python: string, dists: readonly { name: string; version: string }[], cacheDir: string): Promise<ToolchainWheel[]> {
  const missing = dists.filter((d) => !findWheel(cacheDir, d.name, d.version));
  if (missing.length > 0) {
    await runPythonHelper(python, 'buildout_toolchain.py', ['pack', cacheDir, ...missing.map((d) => d.name)], {
      what: `packing the buildout toolchain of ${python} as wheels`,
      where: python,
    });
  }
  return Promise.all(
    dists.map(async (d) => {
      const file = findWheel(cacheDir, d.name, d.version);
      if (!file) throw new Error(`buildout_toolchain.py pack left no wheel of ${d.name} ${d.version} in ${cacheDir}`);
      return { name: d.name, version: d.version, ...(await describeEgg(join(cacheDir, file))) };
    }),
  );
}

/** `zc_buildout-4.2.0-py3-none-any.whl` for zc.buildout 4.2.0: the wheel's name rule (PEP 427). */
function findWheel(cacheDir: string, name: string, version: string): string | undefined {
  if (!existsSync(cacheDir)) return undefined;
  const prefix = `${name.replace(/[-.]+/g, '_')}-${version}-`;
  return readdirSync(cacheDir).find((f) => f.startsWith(prefix) && f.endsWith('.whl'));
}
