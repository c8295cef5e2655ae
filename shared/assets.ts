import { readFileSync } from 'node:fs';

/**
 * Files the programs read at run time (the gRPC contract, the buildout
 * launcher). From a checkout they are read beside the sources; the bundled
 * agent installed on hosts carries them inline (controller/bootstrap/agent-bundle.ts
 * replaces this module when it bundles).
 */
export const ASSET_NAMES = ['proto/hostout.proto', 'shared/python/buildout_launcher.py'] as const;
export type AssetName = (typeof ASSET_NAMES)[number];

export function readAsset(name: AssetName): string {
  return readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
}
