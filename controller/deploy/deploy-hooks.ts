/**
 * Hooks around a deploy, run on the controller as Kamal's pre-deploy and post-deploy are:
 * `before-deploy` once the release is known and before anything is sent (it fails: nothing is
 * sent or changed, exit 1), `after-deploy` once the deploy ended, whether it went live or
 * failed (it fails: a warning; the deploy's outcome and exit code stand). A shell command in
 * the buildout directory, told what is deployed through HOSTOUT_* variables, its output shown.
 */
import { spawn } from 'node:child_process';
import { HostoutError } from '../../shared/errors.ts';

export class HookFailedError extends HostoutError {}

export type HookName = 'before-deploy' | 'after-deploy';

/** How long a hook may run before it is killed (a chat message, a tag push: seconds). */
const HOOK_TIMEOUT_MS = 300_000;

export interface HookContext {
  target: string;
  hosts: string[];
  tag: string;
  /** develop eggs with a new version: "acme.web 1.0.post3" */
  released: string[];
  /** after-deploy: the version that went live (or was tried), and how it ended */
  version?: string;
  outcome?: 'deployed' | 'failed';
  error?: string;
}

/** The variables a hook sees. Pure. */
export function hookEnvironment(hook: HookName, context: HookContext): Record<string, string> {
  return {
    HOSTOUT_HOOK: hook,
    HOSTOUT_TARGET: context.target,
    HOSTOUT_HOSTS: context.hosts.join(' '),
    HOSTOUT_TAG: context.tag,
    HOSTOUT_RELEASED: context.released.join(', '),
    ...(context.version !== undefined ? { HOSTOUT_VERSION: context.version } : {}),
    ...(context.outcome ? { HOSTOUT_OUTCOME: context.outcome } : {}),
    ...(context.error ? { HOSTOUT_ERROR: context.error.split('\n')[0]! } : {}),
  };
}

/** Runs the hook's command; resolves when it exits 0, throws HookFailedError otherwise. */
export function runHook(hook: HookName, command: string, cwd: string, context: HookContext, write: (text: string) => void): Promise<void> {
  write(`Running the ${hook} hook: ${command}\n`);
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd, env: { ...process.env, ...hookEnvironment(hook, context) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, HOOK_TIMEOUT_MS);
    const show = (data: Buffer) => write(data.toString().replace(/^(?=.)/gm, '  '));
    child.stdout!.on('data', show);
    child.stderr!.on('data', show);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new HookFailedError(`the ${hook} hook could not run: ${error.message}`, { where: `target option ${hook}` }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const how = signal === 'SIGKILL' ? `was killed after ${HOOK_TIMEOUT_MS / 1000} s` : signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(new HookFailedError(`the ${hook} hook \`${command}\` ${how}`, { where: `target option ${hook}`, hint: hook === 'before-deploy' ? 'nothing was sent or changed on the hosts; fix the hook (or its cause) and deploy again' : 'the deploy itself ended as reported above' }));
    });
  });
}

/** A deploy's two hooks, as its target sets them: before (throws when it fails) and after (a warning when it fails). */
export class DeployHooks {
  private ranBefore = false;

  constructor(
    private readonly target: { buildoutDirectory: string; options: ReadonlyMap<string, string> },
    private readonly context: HookContext,
    private readonly write: (text: string) => void,
    private readonly warningLabel = 'warning:',
  ) {}

  async before(): Promise<void> {
    const command = this.target.options.get('before-deploy');
    this.ranBefore = true;
    if (command) await runHook('before-deploy', command, this.target.buildoutDirectory, this.context, this.write);
  }

  /** Only after `before` ran (a deploy that never got that far has nothing to report). */
  async after(outcome: 'deployed' | 'failed', version: string | undefined, error?: Error): Promise<void> {
    const command = this.target.options.get('after-deploy');
    if (!command || !this.ranBefore) return;
    try {
      await runHook('after-deploy', command, this.target.buildoutDirectory, { ...this.context, outcome, version: version ?? '', ...(error ? { error: error.message } : {}) }, this.write);
    } catch (hookError) {
      this.write(`${this.warningLabel} ${(hookError as Error).message}\n`);
    }
  }
}
