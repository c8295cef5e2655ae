// Types for bin/source-bundle.js, which stays plain JavaScript: bin/ctl.js loads it before any TypeScript runs.
import type { BuildOptions } from 'esbuild';

export const CONTROLLER_BUNDLE_OPTIONS: BuildOptions;
export function bundledEntry(entry: string): Promise<string>;
