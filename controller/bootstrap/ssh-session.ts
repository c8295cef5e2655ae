import { randomBytes } from 'node:crypto';
import { Client, type ConnectConfig } from 'ssh2';
import { shellQuote } from './shell-quote.ts';
import { BootstrapError } from '../../shared/errors.ts';
import { knownSshHostKey, rememberSshHostKey, sshKeyFingerprint } from './ssh-known-hosts.ts';

/** Root credentials: used for this session only, never written anywhere. */
export type RootCredentials = { password: string } | { privateKey: Buffer } | { agent: string };

export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * How this session's commands run as root: logged in as root, or through sudo
 * (without a password, or with the login password fed to `sudo -S` on stdin,
 * ahead of the command's own input, so it is never on a command line).
 */
type RootAccess = { kind: 'root' } | { kind: 'sudo' } | { kind: 'sudo-password'; password: string };

/** One SSH session to a new host, acting as root, with its host key checked. */
export class SshSession {
  private access: RootAccess = { kind: 'root' };

  private constructor(private readonly client: Client, readonly address: string, readonly username: string) {}

  static open(host: string, port: number, username: string, credentials: RootCredentials, configDir: string): Promise<SshSession> {
    const address = `${host}:${port}`;
    const known = knownSshHostKey(configDir, address);
    let seen: string | undefined;
    return new Promise((resolve, reject) => {
      const client = new Client();
      const config: ConnectConfig = {
        host,
        port,
        username,
        readyTimeout: 20_000,
        tryKeyboard: false,
        ...credentials,
        hostVerifier: (key: Buffer) => {
          seen = sshKeyFingerprint(key);
          return known === undefined || known === seen;
        },
      };
      client.once('ready', () => {
        if (known === undefined && seen) rememberSshHostKey(configDir, address, seen);
        resolve(new SshSession(client, address, username));
      });
      client.once('error', (error: Error & { level?: string; code?: string }) => reject(describeConnectError(error, address, known, seen, username)));
      client.connect(config);
    });
  }

  /**
   * Makes every later command run as root: nothing to do when logged in as
   * root, else sudo, checked once here so a refusal is reported before
   * anything is changed on the host.
   */
  async becomeRoot(credentials: RootCredentials): Promise<void> {
    const whoami = await this.run('id -u');
    if (whoami.stdout.trim() === '0') return;
    const notRoot = `${this.username}@${this.address} is not root`;
    const hint = 'log in as root (--root-user root), or give this account sudo rights';
    if ((await this.run('command -v sudo')).code !== 0) throw new BootstrapError(`${notRoot} and the host has no sudo`, { where: this.address, hint });
    if ((await this.run('sudo -n true')).code === 0) {
      this.access = { kind: 'sudo' };
      return;
    }
    if (!('password' in credentials)) {
      throw new BootstrapError(`${notRoot}, and sudo asks for a password this login did not use`, {
        where: this.address,
        hint: 'give the account passwordless sudo (NOPASSWD), or log in with its password (--root-password-stdin)',
      });
    }
    const probe = await this.run("sudo -k -S -p '' true", `${credentials.password}\n`);
    if (probe.code !== 0) {
      const said = probe.stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/try again|no password was provided|incorrect password attempt/i.test(l));
      throw new BootstrapError(`${notRoot}, and sudo refused it${said.length ? `: ${said.join('; ')}` : ' (not in sudoers, or a different sudo password)'}`, { where: this.address, hint });
    }
    this.access = { kind: 'sudo-password', password: credentials.password };
  }

  /** Runs a command as root; `input` goes to its stdin (scripts travel that way, never on a command line). */
  exec(command: string, input?: string): Promise<RemoteResult> {
    switch (this.access.kind) {
      case 'root':
        return this.run(command, input);
      case 'sudo':
        return this.run(`sudo -n -- sh -c ${shellQuote(command)}`, input);
      case 'sudo-password':
        // -k: always ask, so the first line is always taken as the password, never run as input
        return this.run(`sudo -k -S -p '' -- sh -c ${shellQuote(command)}`, `${this.access.password}\n${input ?? ''}`);
    }
  }

  /** Runs a command as the login user. */
  private run(command: string, input?: string): Promise<RemoteResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error) return reject(new BootstrapError(`cannot run a command on ${this.address}: ${error.message}`, { where: this.address }));
        let stdout = '';
        let stderr = '';
        channel.on('data', (d: Buffer) => (stdout += d));
        channel.stderr.on('data', (d: Buffer) => (stderr += d));
        channel.on('close', (code: number | null) => resolve({ code: code ?? -1, stdout, stderr }));
        channel.end(input ?? '');
      });
    });
  }

  /**
   * Copies a local file to the host: SFTP (as the login) into a temp file in the
   * login's home, then, as root, beside the target and renamed over it, so the
   * agent never starts from a half-written file.
   */
  async put(localPath: string, remotePath: string, mode: number): Promise<void> {
    const temp = `.hostout-upload-${randomBytes(6).toString('hex')}`; // relative: SFTP starts in the login's home
    const beside = shellQuote(`${remotePath}.hostout-upload`);
    try {
      await this.upload(localPath, temp, remotePath);
      await this.mustExec(`install -m ${mode.toString(8)} -o root -g root ~${this.username}/${temp} ${beside} && mv -f ${beside} ${shellQuote(remotePath)}`);
    } finally {
      await this.run(`rm -f ${temp}`);
    }
  }

  private async mustExec(command: string): Promise<void> {
    const result = await this.exec(command);
    if (result.code !== 0) throw new BootstrapError(`${command} failed on ${this.address}: ${result.stderr.trim() || `exit ${result.code}`}`, { where: this.address });
  }

  private upload(localPath: string, temp: string, remotePath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) return reject(new BootstrapError(`SFTP is not available on ${this.address}: ${error.message}`, { where: this.address }));
        sftp.fastPut(localPath, temp, { mode: 0o600 }, (putError) => {
          sftp.end();
          if (putError) return reject(new BootstrapError(`copying ${localPath} to ${this.address}:${remotePath} failed: ${putError.message}`, { where: this.address, hint: 'is there room on the host?' }));
          resolve();
        });
      });
    });
  }

  close(): void {
    this.client.end();
  }
}

function describeConnectError(error: Error & { level?: string; code?: string }, address: string, known: string | undefined, seen: string | undefined, username: string): BootstrapError {
  if (known !== undefined && seen !== undefined && known !== seen) {
    return new BootstrapError(`the SSH host key of ${address} has changed: it was ${known}, it is now ${seen}`, {
      where: address,
      hint: 'if the host was reinstalled, remove its line from known_ssh_hosts in your hostout config dir; otherwise someone may be in the middle',
    });
  }
  if (error.level === 'client-authentication') {
    return new BootstrapError(`${username}@${address} refused the credentials (wrong password or key)`, { where: address, hint: 'check the root password, or use --identity with a key root accepts' });
  }
  if (error.code === 'ECONNREFUSED' || error.code === 'EHOSTUNREACH' || error.code === 'ENOTFOUND' || error.level === 'client-timeout') {
    return new BootstrapError(`cannot reach SSH at ${address} (${error.code ?? error.message})`, { where: address, hint: 'check host and ssh-port in the target, and that sshd runs there' });
  }
  return new BootstrapError(`SSH to ${address} failed: ${error.message}`, { where: address });
}
