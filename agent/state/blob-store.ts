/**
 * Content-addressed blobs (zipped eggs, buildout archives): stored under their sha256, verified
 * before they get that name, immutable after. An upload grows a partial file that survives a
 * dropped connection or a killed agent, so the controller resumes from its size.
 */
import { chmodSync, existsSync, linkSync, renameSync, rmSync, statSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { StateError } from "../../shared/errors.ts";
import { copyFileAtomic, fsyncDirectory } from "../../shared/fs/atomic-write.ts";
import { sha256File } from "../../shared/archive/sha256-file.ts";
import type { AgentLayout } from "./agent-layout.ts";

const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface MissingBlob {
  sha: string;
  /** bytes of an earlier, interrupted upload: resume from this offset */
  receivedBytes: number;
}

export class BlobStore {
  /** shas with an upload open in this process: two writers on one partial file would interleave */
  private readonly uploading = new Set<string>();

  constructor(private readonly layout: Pick<AgentLayout, "blobsDir" | "partialBlobsDir">) {}

  has(sha: string): boolean {
    return existsSync(this.path(sha));
  }

  /** Where the verified blob is (or will be) stored. */
  path(sha: string): string {
    return join(this.layout.blobsDir, checkSha(sha));
  }

  /** The blobs of `shas` not stored yet, each with what an interrupted upload already delivered. */
  missing(shas: readonly string[]): MissingBlob[] {
    return [...new Set(shas)].filter((sha) => !this.has(sha)).map((sha) => ({ sha, receivedBytes: this.partialSize(sha) }));
  }

  /**
   * Starts (offset 0) or resumes an upload of a `size`-byte blob. `offset` must be what the
   * store already holds of it (see `missing`). Close the upload with `finish` or `close`.
   */
  async beginUpload(sha: string, size: number, offset: number): Promise<BlobUpload> {
    checkSha(sha);
    if (!Number.isSafeInteger(size) || size < 0) throw new StateError(`blob ${sha}: size ${size} is not a byte count`);
    if (this.has(sha)) {
      throw new StateError(`blob ${sha} is already stored`, { hint: "ask which blobs are missing before uploading" });
    }
    if (this.uploading.has(sha)) {
      throw new StateError(`blob ${sha} is being uploaded by another request`, { hint: "wait for that upload to end, then resume it" });
    }
    const partial = this.partialPath(sha);
    const received = this.partialSize(sha);
    if (received > size) {
      rmSync(partial, { force: true });
      throw new StateError(`blob ${sha}: the partial upload holds ${received} bytes, more than the blob's ${size}; it was discarded`, {
        hint: "upload the blob again from offset 0",
      });
    }
    if (offset !== received) {
      throw new StateError(`blob ${sha}: upload offset ${offset} does not match the ${received} bytes already received`, {
        hint: `resume the upload from offset ${received}`,
      });
    }
    const file = await open(partial, "a", 0o600);
    this.uploading.add(sha);
    return new BlobUpload(sha, size, received, partial, file, this.path(sha), () => this.uploading.delete(sha));
  }

  /**
   * Puts the stored blob `sha` into `distDir` (buildout's find-links) as `filename`: a hard link,
   * or a copy where links fail. Refuses a filename already there with other bytes: an egg's
   * name and version never stand for two contents. Returns the egg's path.
   */
  async placeEgg(sha: string, filename: string, distDir: string): Promise<string> {
    checkEggFilename(filename);
    const blob = this.path(sha);
    if (!existsSync(blob)) throw new StateError(`blob ${sha} (${filename}) is not stored`, { hint: "upload it before deploying" });
    const target = join(distDir, filename);
    try {
      linkSync(blob, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return this.checkPlacedEgg(sha, target);
      // a copy where links fail (another filesystem); hidden until complete, so buildout never
      // picks up a half-copied egg from find-links
      if (!copyFileAtomic(blob, target, { mode: 0o444, noClobber: true })) return this.checkPlacedEgg(sha, target);
    }
    fsyncDirectory(distDir);
    return target;
  }

  private async checkPlacedEgg(sha: string, target: string): Promise<string> {
    if (statSync(target).ino === statSync(this.path(sha)).ino) return target;
    const actual = await sha256File(target);
    if (actual !== sha) {
      throw new StateError(`${target} already exists with different bytes (sha256 ${actual}, not ${sha})`, {
        hint: "a released version must never change; release the package again under a new version",
      });
    }
    return target;
  }

  private partialPath(sha: string): string {
    return join(this.layout.partialBlobsDir, checkSha(sha));
  }

  private partialSize(sha: string): number {
    try {
      return statSync(this.partialPath(sha)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
      throw error;
    }
  }
}

/** An upload in progress: append chunks, then `finish` to verify and store, or `close` to resume later. */
export class BlobUpload {
  private closed = false;

  constructor(
    readonly sha: string,
    readonly size: number,
    private received: number,
    private readonly partial: string,
    private readonly file: FileHandle,
    private readonly stored: string,
    private readonly onClose: () => void,
  ) {}

  get receivedBytes(): number {
    return this.received;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.checkOpen();
    if (this.received + chunk.length > this.size) {
      throw new StateError(`blob ${this.sha}: ${this.received + chunk.length} bytes sent, more than its size ${this.size}`, {
        hint: "the chunks do not belong to this blob; check the size sent with the first chunk",
      });
    }
    for (let written = 0; written < chunk.length; ) written += (await this.file.write(chunk, written)).bytesWritten;
    this.received += chunk.length;
  }

  /**
   * Verifies the whole partial file (size, then sha256) and stores it under its sha; returns
   * the stored path. A wrong sha256 discards the partial file; a short one is kept to resume.
   */
  async finish(): Promise<string> {
    this.checkOpen();
    await this.file.sync();
    await this.close();
    const size = statSync(this.partial).size;
    if (size !== this.size) {
      throw new StateError(`blob ${this.sha} is incomplete: ${size} of ${this.size} bytes received`, {
        hint: `resume the upload from offset ${size}`,
      });
    }
    const actual = await sha256File(this.partial);
    if (actual !== this.sha) {
      rmSync(this.partial, { force: true });
      throw new StateError(`blob upload does not match its sha256: expected ${this.sha}, got ${actual} (${size} bytes); discarded`, {
        hint: "the file changed or was corrupted in transit; upload it again from offset 0",
      });
    }
    renameSync(this.partial, this.stored);
    // Read-only only once stored: a read-only partial left by a crash could not be resumed.
    chmodSync(this.stored, 0o444);
    fsyncDirectory(dirname(this.stored));
    return this.stored;
  }

  /** Ends the upload without storing it; what was received stays, to be resumed. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
    await this.file.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new StateError(`blob ${this.sha}: the upload is already closed`);
  }
}

function checkSha(sha: string): string {
  if (!SHA256_HEX.test(sha)) {
    throw new StateError(`"${sha}" is not a blob name`, { hint: "blobs are named by their sha256: 64 lowercase hex digits" });
  }
  return sha;
}

function checkEggFilename(filename: string): void {
  if (filename === "" || filename.includes("/") || filename.includes("\\") || filename.includes("..") || filename.includes("\0")) {
    throw new StateError(`"${filename}" is not an egg file name`, { hint: "an egg file name is one path component, without '/' or '..'" });
  }
}
