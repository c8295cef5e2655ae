/**
 * Each blob leaves the controller once for a whole fleet: the first host that lacks the
 * release's blobs gets them from ctl; every other host fetches them from a host that holds
 * them already (FetchBlobs, with a ServeBlobs call ctl signed for that host), and becomes a
 * source in turn, so holders grow as a tree: 1, 5, 25... at RELAY_FAN_OUT fetches per holder.
 * The manifest stays signed by ctl, and each agent verifies every blob by its sha256, so a
 * holder passes on bytes it cannot change unseen. A fetch that fails (hosts that cannot
 * reach each other, an agent that does not serve) costs that host a direct upload, resumed
 * from what arrived; the holder it failed with is not asked again.
 */
import * as grpc from '@grpc/grpc-js';
import { AgentCallError, type AgentConnection } from '../agent-client/agent-client.ts';
import { askMissingBlobs, uploadMissingBlobs, type BlobToSend, type MissingBlob } from '../deploy/upload-blobs.ts';

/** Fetches one holder serves at once: its uplink is shared by them. */
export const RELAY_FAN_OUT = 4;

/** A host taking part: its name for messages, and ctl's connection to its agent. */
export interface RelayHost {
  label: string;
  connection: AgentConnection;
  /** where the other hosts reach its agent, when not where ctl does (a private address) */
  host: { relayHost?: string };
}

/** How the blobs reached one host. */
export interface BlobDelivery {
  /** bytes ctl sent to this host itself */
  fromCtl: number;
  /** bytes this host fetched from another host */
  relayed: number;
  /** the host they came from, when relayed */
  from?: string;
  /** why relaying to this host failed, when it did (ctl then uploaded) */
  relayFailed?: string;
}

interface Holder {
  host: RelayHost;
  serving: number;
}

export class BlobRelay {
  private readonly holders: Holder[] = [];
  /** a host ctl is uploading to while nobody holds the blobs yet: the others wait for it */
  private seeding = false;
  private waiting: (() => void)[] = [];

  /** `relay` false: ctl uploads to every host, as to one. */
  constructor(
    private readonly blobs: readonly BlobToSend[],
    private readonly relay: boolean,
    private readonly idleTimeoutMs = 60 * 60_000,
  ) {}

  /** Gets every blob onto `host`, from a holder when there is one, else from ctl. */
  async deliver(host: RelayHost): Promise<BlobDelivery> {
    const missing = await askMissingBlobs(host.connection, this.blobs);
    if (missing.length === 0) return this.holds(host, { fromCtl: 0, relayed: 0 });
    let relayFailed: string | undefined;
    while (this.relay) {
      const holder = this.freeHolder();
      if (holder) {
        holder.serving++;
        try {
          const relayed = await this.fetch(host, holder.host, missing);
          return this.holds(host, { fromCtl: 0, relayed, from: holder.host.label });
        } catch (error) {
          if (error instanceof AgentCallError && error.code === grpc.status.UNIMPLEMENTED) {
            // the fetching agent predates the relay: the holder is fine, this host takes uploads
            relayFailed = `from ${holder.host.label}: its agent cannot fetch from other hosts (an older hostout-agent: \`ctl upgrade-agent\` installs this version)`;
          } else {
            relayFailed = `from ${holder.host.label}: ${(error as Error).message.split('\n')[0]}`;
            this.holders.splice(this.holders.indexOf(holder), 1); // not asked again in this deploy
          }
          break;
        } finally {
          holder.serving--;
          this.changed();
        }
      }
      if (this.holders.length === 0 && !this.seeding) {
        this.seeding = true;
        try {
          return await this.upload(host, missing);
        } finally {
          this.seeding = false;
          this.changed();
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    // what a failed fetch delivered stays on the host: ask again, and send only the rest
    const rest = relayFailed ? await askMissingBlobs(host.connection, this.blobs) : missing;
    return { ...(await this.upload(host, rest)), relayFailed };
  }

  private async upload(host: RelayHost, missing: MissingBlob[]): Promise<BlobDelivery> {
    const sent = await uploadMissingBlobs(host.connection, this.blobs, false, missing);
    return this.holds(host, { fromCtl: sent.bytes, relayed: 0 });
  }

  /** `host` fetches what it misses from `seed`; returns the bytes it received. */
  private async fetch(host: RelayHost, seed: RelayHost, missing: MissingBlob[]): Promise<number> {
    const serve = seed.connection.presign('ServeBlobs', { blobs: missing.map((m) => ({ sha256: m.sha256, offset: m.offset })), forHost: host.label });
    const { address } = seed.connection;
    const reply = await host.connection.unary<{ blobs: number; bytes: number }>(
      'FetchBlobs',
      { seedHost: seed.host.relayHost ?? address.host, seedPort: address.port, seedFingerprint: address.fingerprint, seedName: seed.label, serve },
      this.idleTimeoutMs,
    );
    return Number(reply.bytes);
  }

  private holds(host: RelayHost, delivery: BlobDelivery): BlobDelivery {
    this.holders.push({ host, serving: 0 });
    this.changed();
    return delivery;
  }

  /** The least busy holder with room for one more fetch. */
  private freeHolder(): Holder | undefined {
    const free = this.holders.filter((h) => h.serving < RELAY_FAN_OUT);
    return free.sort((a, b) => a.serving - b.serving)[0];
  }

  private changed(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }
}
