import { spawn } from 'node:child_process';
import notify from 'systemd-notify';

/**
 * Readiness, status and watchdog pings for systemd (Type=notify). Outside
 * systemd (no NOTIFY_SOCKET) every call does nothing. The messages are sent by
 * the systemd-notify program, so the unit needs NotifyAccess=all.
 */
export class SystemdNotifier {
  private watchdog?: NodeJS.Timeout;
  readonly enabled = Boolean(process.env.NOTIFY_SOCKET);

  async ready(status: string): Promise<void> {
    if (!this.enabled) return;
    await notify({ ready: true, status }).catch(() => undefined);
    this.startWatchdog();
  }

  async status(status: string): Promise<void> {
    if (this.enabled) await notify({ status }).catch(() => undefined);
  }

  async stopping(): Promise<void> {
    this.stopWatchdog();
    if (this.enabled) await send(['STOPPING=1']);
  }

  /** Pings at half the interval systemd asked for (WATCHDOG_USEC). */
  private startWatchdog(): void {
    const usec = Number(process.env.WATCHDOG_USEC);
    if (!(usec > 0)) return;
    this.watchdog = setInterval(() => void send(['WATCHDOG=1']), Math.max(500, usec / 2000));
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
  }
}

function send(assignments: string[]): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn('systemd-notify', [`--pid=${process.pid}`, ...assignments], { stdio: 'ignore' });
    child.on('error', () => resolve());
    child.on('close', () => resolve());
  });
}
