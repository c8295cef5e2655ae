import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BootstrapError } from '../../shared/errors.ts';
import type { RootCredentials } from './ssh-session.ts';

export interface CredentialOptions {
  rootUser?: string;
  rootPasswordStdin?: boolean;
  identity?: string;
}

/**
 * Root credentials for one bootstrap: a key file, a password on stdin, the
 * ssh-agent, or a prompt on a terminal. Kept in memory for this session only.
 */
export async function rootCredentials(options: CredentialOptions, write: (text: string) => void): Promise<{ user: string; credentials: RootCredentials }> {
  const user = options.rootUser ?? 'root';
  const given = givenCredentials(options);
  if (!given && !process.stdin.isTTY) {
    throw new BootstrapError('root credentials are needed to prepare this host, and there is no terminal to ask on', {
      hint: 'pass --root-password-stdin (and the password on stdin), --identity KEYFILE, or run from a terminal',
    });
  }
  if (!given) write('If this is the first time running this script please enter your root credentials\n');
  write('This will prepare your host to receive your buildout\n');
  if (given) return { user, credentials: given };
  const promptedUser = (await ask('user: ', false)) || user;
  const password = await ask('password: ', true);
  return { user: promptedUser, credentials: { password } };
}

/** Credentials given without asking: a key file, a password on stdin, or the ssh-agent when there is no terminal. */
function givenCredentials(options: CredentialOptions): RootCredentials | undefined {
  if (options.identity) return { privateKey: readFileSync(options.identity) };
  if (options.rootPasswordStdin) return { password: readFileSync(0, 'utf8').replace(/\r?\n$/, '') };
  if (process.env.SSH_AUTH_SOCK && !process.stdin.isTTY) return { agent: process.env.SSH_AUTH_SOCK };
  return undefined;
}

function ask(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (hidden) {
      // echo stars instead of the password; the password itself is never printed or stored
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        process.stdout.write(s.startsWith(question) ? question + '*'.repeat(s.length - question.length) : s.replace(/[^\r\n]/g, '*'));
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      resolve(answer);
    });
  });
}
