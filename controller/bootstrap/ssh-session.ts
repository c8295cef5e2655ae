import { Client, type ConnectConfig } from 'ssh2';
import { BootstrapError } from '../../shared/errors.ts';
import { knownSshHostKey, rememberSshHostKey, sshKeyFingerprint } from './ssh-known-hosts.ts';

/** Root credentials: used for this session only, never written anywhere. */
export type RootCredentials = { password: string } | { privateKey: Buffer } | { agent: string };

export interface RemoteResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** One SSH session to a new host, as root, with its host key checked. */
export class SshSession {
  private constructor(private readonly client: Client, readonly address: string) {}

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
        resolve(new SshSession(client, address));
      });
      client.once('error', (error: Error & { level?: string; code?: string }) => reject(describeConnectError(error, address, known, seen, username)));
      client.connect(config);
    });
  }

  /** Runs a command; `input` goes to its stdin (scripts travel that way, never on a command line). */
  exec(command: string, input?: string): Promise<RemoteResult> {
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

  /** Copies a local file to the host (SFTP), written under a temp name then renamed into place. */
  put(localPath: string, remotePath: string, mode: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.sftp((error, sftp) => {
        if (error) return reject(new BootstrapError(`SFTP is not available on ${this.address}: ${error.message}`, { where: this.address }));
        const temp = `${remotePath}.hostout-upload`;
        sftp.fastPut(localPath, temp, { mode }, (putError) => {
          if (putError) return reject(new BootstrapError(`copying ${localPath} to ${this.address}:${remotePath} failed: ${putError.message}`, { where: this.address, hint: 'is there room on the host?' }));
          sftp.rename(temp, remotePath, () => {
            // rename fails if the target exists (SFTP v3): fall back to the shell's mv, which replaces
            this.exec(`mv -f '${temp}' '${remotePath}'`).then(() => resolve(), reject);
          });
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
