import type { ChildProcess } from 'node:child_process';
import { helperResult, startPythonHelper, type HelperOutcome, type PythonRun } from './python-script.ts';

/**
 * Egg builders started before they are needed. Importing setuptools takes Debian's Python
 * a quarter of a second, which a release used to pay twice for every changed egg: reading
 * its metadata, then building it. A builder started as soon as a package is seen to have
 * changed loads setuptools on the other core while the release reads metadata and resolves
 * pins, and only builds once told the version. Each builder still builds one egg in a
 * fresh process: setup.py scripts share nothing.
 */
export class EggBuilders {
  private readonly waiting = new Map<string, { child: ChildProcess; outcome: Promise<HelperOutcome> }>();

  /** Starts a builder for `python` unless one is already waiting. */
  prepare(python: string): void {
    if (!this.waiting.has(python)) this.waiting.set(python, startBuilder(python));
  }

  /** Builds in `request.cwd` with the waiting builder, or with a new one. */
  async build(python: string, request: { version: string; outDir: string; cwd: string }, report: { what: string; where?: string }): Promise<PythonRun> {
    const builder = this.waiting.get(python) ?? startBuilder(python);
    this.waiting.delete(python);
    builder.child.stdin!.end(`${JSON.stringify({ version: request.version, out_dir: request.outDir, cwd: request.cwd })}\n`);
    return helperResult(await builder.outcome, python, report);
  }

  /** Lets the builders nobody used go: with stdin closed and no request, they exit at once. */
  close(): void {
    for (const { child } of this.waiting.values()) child.stdin!.end();
    this.waiting.clear();
  }
}

function startBuilder(python: string) {
  return startPythonHelper(python, 'build_egg.py', ['--wait'], { stdin: 'pipe' });
}
