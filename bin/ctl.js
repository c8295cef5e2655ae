#!/usr/bin/env node
// ctl from a checkout, with no build step: the sources are bundled on the first
// run after they change (bin/source-bundle.js) and started from the bundle. Where
// no bundle can be written (a read-only checkout), tsx runs the sources directly.
import { bundledEntry } from './source-bundle.js';

const entry = await bundledEntry('controller/cli/main.ts').catch(() => undefined);
if (entry) {
  await import(entry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../controller/cli/main.ts');
}
