/**
 * Request nonces seen within the signature window, so a captured request cannot be
 * replayed. Memory stays bounded because a nonce is forgotten once its timestamp has left
 * the window (a replay that old is refused by the clock check instead). Optionally
 * persisted to an append-only, fsync'd file so a restarted agent still refuses replays.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { writeFileAtomic } from "../fs/atomic-write.ts";

/** How far a request's timestamp may be from the agent's clock, either way. */
export const DEFAULT_SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

export class NonceStore {
  /** nonce → request timestamp (ms) */
  private readonly seen = new Map<string, number>();
  private lastSweep: number;
  private fd: number | undefined;

  private constructor(
    /** the clock window verifiers must use with this store; nonces are kept this long past their timestamp */
    readonly windowMs: number,
    private readonly file: string | undefined,
    now: number,
  ) {
    this.lastSweep = now;
  }

  /** A store that forgets everything when the process exits (tests, short-lived tools). */
  static inMemory(windowMs = DEFAULT_SIGNATURE_WINDOW_MS, now = Date.now()): NonceStore {
    return new NonceStore(windowMs, undefined, now);
  }

  /**
   * A store backed by `file`: the nonces still inside the window are loaded (a torn last
   * line from a crash is skipped: its request was never accepted), the file is compacted,
   * and new nonces are appended and fsync'd before they are accepted.
   */
  static persistent(file: string, windowMs = DEFAULT_SIGNATURE_WINDOW_MS, now = Date.now()): NonceStore {
    const store = new NonceStore(windowMs, file, now);
    if (existsSync(file)) store.loadEntries(readFileSync(file, "utf8"), now);
    store.compactFile();
    return store;
  }

  /**
   * Records `nonce` and returns true, or returns false when it was already seen
   * (a replay). Throws if the nonce cannot be made durable, so the request is refused.
   */
  remember(nonce: string, timestamp: number, now = Date.now()): boolean {
    if (now - this.lastSweep >= this.windowMs) this.sweep(now);
    if (this.seen.has(nonce)) return false;
    if (this.fd !== undefined) {
      writeSync(this.fd, formatEntry(nonce, timestamp));
      fsyncSync(this.fd);
    }
    this.seen.set(nonce, timestamp);
    return true;
  }

  /** How many nonces are held in memory. */
  get size(): number {
    return this.seen.size;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private isExpired(timestamp: number, now: number): boolean {
    return timestamp + this.windowMs < now;
  }

  private loadEntries(text: string, now: number): void {
    for (const line of text.split("\n")) {
      const match = /^(\d{1,15}) ([0-9a-f]{32})$/.exec(line);
      if (!match) continue;
      const timestamp = Number(match[1]);
      if (!this.isExpired(timestamp, now)) this.seen.set(match[2]!, timestamp);
    }
  }

  private sweep(now: number): void {
    for (const [nonce, timestamp] of this.seen) {
      if (this.isExpired(timestamp, now)) this.seen.delete(nonce);
    }
    this.lastSweep = now;
    if (this.file !== undefined) this.compactFile();
  }

  // Rewrites the file with only the live nonces, so it never grows beyond one window's worth.
  private compactFile(): void {
    if (this.file === undefined) return;
    this.close();
    const text = [...this.seen].map(([nonce, timestamp]) => formatEntry(nonce, timestamp)).join("");
    writeFileAtomic(this.file, text, { mode: 0o600 });
    this.fd = openSync(this.file, "a");
  }
}

function formatEntry(nonce: string, timestamp: number): string {
  return `${timestamp} ${nonce}\n`;
}
