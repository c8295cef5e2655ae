import { existsSync, readFileSync } from 'node:fs';

/**
 * Files the programs read at run time (the buildout launcher, SQLite's online backup). From a checkout they are read from the repository, found by going
 * up from this module until they appear: the sources and the controller's
 * bundle (bin/source-bundle.js) sit at different depths. The bundled agent
 * installed on hosts carries them inline (controller/bootstrap/agent-bundle.ts
 * replaces this module when it bundles).
 */
export const ASSET_NAMES = ['shared/python/buildout_launcher.py', 'shared/python/sqlite_backup.py'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

export function readAsset(name: AssetName): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const candidate = new URL(name, dir);
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8');
    if (dir.pathname === '/') throw new Error(`${name} is missing beside ${import.meta.url}: this checkout is incomplete`);
  }
}
