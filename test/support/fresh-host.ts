import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runCommand, type CommandResult } from './ctl.ts';
import { freePort } from './ports.ts';

/**
 * A brand-new host on this machine (testing-notes.md): a copy-on-write view of
 * / (overlayfs) in its own mount and PID namespaces, with its own OpenSSH sshd
 * on a loopback port and a root password of its own. What it writes stays in
 * `upperDir`; stopping it ends every process inside.
 */
export interface FreshHost {
  sshPort: number;
  rootPassword: string;
  /** where everything the host wrote lands: scanned for leaked secrets */
  upperDir: string;
  /** runs a shell command inside the host, as root */
  exec(command: string): Promise<CommandResult>;
  stop(): Promise<void>;
}

/** `rootPassword`: the same for several hosts, as one `ctl bootstrap` of a fleet asks for one. */
export async function startFreshHost(options: { rootPassword?: string } = {}): Promise<FreshHost> {
  const dir = mkdtempSync(join(tmpdir(), 'hostout-fresh-host-'));
  const [upperDir, workDir, merged] = ['upper', 'work', 'merged'].map((d) => join(dir, d)) as [string, string, string];
  for (const d of [upperDir, workDir, merged]) mkdirSync(d);
  const sshPort = await freePort();
  const rootPassword = options.rootPassword ?? `pw-${randomBytes(9).toString('base64url')}`;
  const inside = [
    `echo 'root:${rootPassword}' | chpasswd`,
    'ssh-keygen -A >/dev/null',
    'mkdir -p /run/sshd',
    `exec /usr/sbin/sshd -D -p ${sshPort} -o ListenAddress=127.0.0.1 -o PermitRootLogin=yes -o PasswordAuthentication=yes`,
  ].join(' && ');
  const outside = [
    `mount -t overlay overlay -o lowerdir=/,upperdir=${upperDir},workdir=${workDir} ${merged}`,
    `mount -t proc proc ${merged}/proc`,
    `mount --rbind /dev ${merged}/dev`,
    `mount -t tmpfs tmpfs ${merged}/run`,
    `exec chroot ${merged} /bin/sh -c "${inside}"`,
  ].join(' && ');
  const namespace: ChildProcess = spawn('unshare', ['-m', '-p', '--fork', '--propagation', 'private', '/bin/sh', '-c', outside], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  namespace.stderr!.on('data', (d) => (stderr += d));
  await waitForPort(sshPort, () => namespace.exitCode !== null, () => stderr);

  // unshare --fork's child is the namespace's PID 1: sshd, once its shell exec'd it
  const pid = (await runCommand('pgrep', ['-P', String(namespace.pid)])).stdout.trim().split('\n')[0]!;
  if (!pid) throw new Error('the fresh host has no init process');
  return {
    sshPort,
    rootPassword,
    upperDir,
    exec: (command) => runCommand('nsenter', ['-t', pid, '-m', '-p', '-r', '-w', '/bin/sh', '-c', command]),
    async stop() {
      await runCommand('kill', ['-9', pid]); // PID 1 of the namespace: everything inside ends with it
      await new Promise((r) => (namespace.exitCode !== null ? r(null) : namespace.once('exit', r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, failed: () => boolean, why: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (failed()) throw new Error(`the fresh host did not start: ${why()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the fresh host's sshd never listened on ${port}: ${why()}`);
}
