import { readAsset } from '../../shared/assets.ts';

/**
 * The buildout launcher init copies into the agent's state: Debian 12's
 * zc.buildout needs it on Python 3.11. One source, shared with the controller.
 */
export function buildoutLauncherSource(): string {
  return readAsset('shared/python/buildout_launcher.py');
}
