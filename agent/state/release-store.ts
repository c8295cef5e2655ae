/**
 * Releases on a host: `releases/<tag>/` (an unpacked buildout, described by its
 * .hostout-release.json) and `current`, a symlink switched atomically so that it always
 * resolves to a complete, built release. Changes here are meant to run under the deploy lock.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { StateError } from "../../shared/errors.ts";
import { fsyncDirectory, writeFileAtomic } from "../../shared/fs/atomic-write.ts";
import type { ArchiveBounds } from "../../shared/archive/archive-bounds.ts";
import type { ManifestEgg } from "../../shared/manifest.ts";
import { compareDeploymentVersions, isDeploymentVersion, isLegacyDeploymentNumber } from "../../shared/deployment-version.ts";
import { checkReleaseTag, releaseDir, type AgentLayout } from "./agent-layout.ts";

/** Inside each release directory: what the release is. */
export const RELEASE_INFO_FILE = ".hostout-release.json";
/** Inside each release directory: the signed manifest it was deployed with. */
export const MANIFEST_FILE = ".hostout-manifest.json";
/** Always linked into a release: buildout's find-links, shared/dist. */
const ALWAYS_SHARED = "dist";


export interface ReleaseInfo {
  tag: string;
  /** the deployment version people see: "version 0.3" (agent/state/deployment-versions.ts); "3" on hosts deployed before versions */
  version: string;
  /** ISO time the release was made */
  created: string;
  eggs: ManifestEgg[];
  /** buildout ran to the end: the release can go live, or be rolled back to */
  built: boolean;
  /** ISO time it last went live */
  deployed?: string;
}

export interface PruneResult {
  /** built releases removed, with their backups */
  removed: string[];
  /** what a crash left in releases/: staging dirs, unbuilt or undescribed releases, temp links */
  cleanedUp: string[];
}

/** Shared dir names are one plain path component: they become `releases/<tag>/<name> -> ../../shared/<name>`. */
const SHARED_DIR_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const CURRENT_TEMP_PREFIX = "current.tmp-";

export class ReleaseStore {
  constructor(private readonly layout: AgentLayout) {}

  /** Every described release, lowest version first; directories without a readable description are left out. */
  list(): ReleaseInfo[] {
    return this.releaseDirNames()
      .map((name) => this.readInfo(name))
      .filter((info) => info !== undefined)
      .sort((a, b) => compareDeploymentVersions(a.version, b.version));
  }

  /** Writes (atomically) the description of an existing release directory. */
  writeReleaseInfo(info: ReleaseInfo): void {
    const dir = releaseDir(this.layout, info.tag);
    if (!existsSync(dir)) throw new StateError(`release ${info.tag} does not exist`, { where: dir });
    writeFileAtomic(join(dir, RELEASE_INFO_FILE), `${JSON.stringify(info, null, 2)}\n`);
  }

  /** The tag `current` points at, or undefined before the first deploy. */
  currentRelease(): string | undefined {
    let target: string;
    try {
      target = readlinkSync(this.layout.currentLink);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new StateError(`cannot read the current release: ${(error as Error).message}`, {
        where: this.layout.currentLink,
        hint: "current must be a symlink to releases/<tag>",
      });
    }
    const match = /^releases\/([^/]+)$/.exec(target);
    if (!match) {
      throw new StateError(`current points to "${target}", not to releases/<tag>`, {
        where: this.layout.currentLink,
        hint: "point it back at a release with `hostout-agent rollback`",
      });
    }
    return match[1]!;
  }

  /**
   * Points `current` at the built release `tag` in one rename, so that readers see the old
   * release or the new one and never a missing link. Returns the tag it pointed at before.
   */
  switchCurrent(tag: string): string | undefined {
    const info = this.readInfo(checkReleaseTag(tag));
    if (!info?.built) {
      throw new StateError(`release ${tag} is not ${info ? "built" : "there"}; current must only point at a built release`, {
        where: releaseDir(this.layout, tag),
      });
    }
    const previous = this.currentRelease();
    const temp = join(this.layout.root, `${CURRENT_TEMP_PREFIX}${randomBytes(6).toString("hex")}`);
    symlinkSync(`releases/${tag}`, temp);
    try {
      renameSync(temp, this.layout.currentLink);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    fsyncDirectory(this.layout.root);
    return previous;
  }

  /** A release by tag, or by version as people type it ("0.3", or "3" on a host deployed before versions). */
  findRelease(tagOrVersion: string): ReleaseInfo | undefined {
    return this.list().find((info) => info.tag === tagOrVersion || info.version === tagOrVersion);
  }

  /**
   * Removes the oldest built releases beyond the `keep` newest, with their backups, sparing
   * `current` and every tag in `protect` (the rollback target); also clears what a crash left
   * behind: staging dirs, unbuilt or undescribed releases, temp links beside `current`.
   */
  prune(keep: number, protect: readonly string[]): PruneResult {
    if (!Number.isInteger(keep) || keep < 1) {
      throw new StateError(`cannot keep ${keep} releases`, { hint: "keep at least 1 release (the current one)" });
    }
    const spared = new Set<string>(protect);
    const current = this.currentRelease();
    if (current !== undefined) spared.add(current);
    const built = this.list().filter((info) => info.built);
    const removed: string[] = [];
    for (const { tag } of built.reverse().slice(keep)) {
      if (spared.has(tag)) continue;
      this.removeRelease(tag);
      removed.push(tag);
    }
    const builtTags = new Set(built.map((info) => info.tag));
    const cleanedUp: string[] = [];
    for (const name of readdirSync(this.layout.releasesDir)) {
      if (builtTags.has(name) || spared.has(name)) continue;
      removeAside(this.layout.releasesDir, name);
      cleanedUp.push(`releases/${name}`);
    }
    for (const name of readdirSync(this.layout.root)) {
      if (!name.startsWith(CURRENT_TEMP_PREFIX)) continue;
      rmSync(join(this.layout.root, name), { force: true });
      cleanedUp.push(name);
    }
    for (const name of readdirSync(this.layout.backupsDir)) {
      if (name.startsWith(".")) removeAside(this.layout.backupsDir, name);
    }
    return { removed, cleanedUp };
  }

  /** Removes a release that is not current, and its backup; a crash half-way leaves only a hidden dir for `prune`. */
  removeRelease(tag: string): void {
    if (tag === this.currentRelease()) {
      throw new StateError(`release ${tag} is current and cannot be removed`, { hint: "switch to another release first" });
    }
    removeAside(this.layout.releasesDir, checkReleaseTag(tag));
    removeAside(this.layout.backupsDir, tag);
  }

  /**
   * Unpacks the buildout archive (safely, within `bounds`) into a hidden staging dir, links the
   * shared dirs into it (`var -> ../../shared/var`, always `dist` too), then renames it to
   * `releases/<tag>`. The archive may not place or reach through those names, nor the files the
   * agent writes beside them, so nothing staged can write into shared/. A crash leaves only the
   * staging dir, which the next stage or prune removes. Returns the release dir.
   */
  async stageRelease(tag: string, archivePath: string, sharedDirs: readonly string[], bounds: ArchiveBounds): Promise<string> {
    const dir = releaseDir(this.layout, tag);
    if (existsSync(dir)) {
      throw new StateError(`release ${tag} already exists`, {
        where: dir,
        hint: "a tag is staged once; remove that release first if it is not current",
      });
    }
    const staging = join(this.layout.releasesDir, `.${tag}.staging`);
    rmSync(staging, { recursive: true, force: true });
    const linked = [...new Set([...sharedDirs, ALWAYS_SHARED])];
    try {
      // the tar library is needed only here, when a deploy stages: an idle agent does not load it
      const { extractTarGzSafely } = await import("../../shared/archive/safe-extract.ts");
      await extractTarGzSafely(archivePath, staging, {
        maxEntries: bounds.entries,
        maxBytes: bounds.unpackedBytes,
        reservedNames: [...linked, MANIFEST_FILE, RELEASE_INFO_FILE],
      });
      for (const name of linked) this.linkSharedDir(staging, name);
      fsyncDirectory(staging);
      renameSync(staging, dir);
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    fsyncDirectory(this.layout.releasesDir);
    return dir;
  }

  private linkSharedDir(staging: string, name: string): void {
    if (!SHARED_DIR_NAME.test(name)) {
      throw new StateError(`"${name}" cannot be a shared directory`, { hint: "shared directories are plain names under shared/, e.g. var" });
    }
    const link = join(staging, name);
    if (lstatSync(link, { throwIfNoEntry: false })) {
      throw new StateError(`the release archive contains "${name}", which must be a link to the shared directory`, {
        where: link,
        hint: `leave ${name}/ out of the buildout archive: it lives in shared/${name} and outlives releases`,
      });
    }
    mkdirSync(join(this.layout.sharedDir, name), { recursive: true, mode: 0o750 });
    symlinkSync(`../../shared/${name}`, link);
  }

  /** Names of the entries of releases/ that could be releases (not hidden). */
  private releaseDirNames(): string[] {
    return readdirSync(this.layout.releasesDir).filter((name) => !name.startsWith("."));
  }

  private readInfo(tag: string): ReleaseInfo | undefined {
    let text: string;
    try {
      text = readFileSync(join(this.layout.releasesDir, tag, RELEASE_INFO_FILE), "utf8");
    } catch {
      return undefined;
    }
    return parseReleaseInfo(text, tag);
  }
}

function parseReleaseInfo(text: string, tag: string): ReleaseInfo | undefined {
  try {
    const value = JSON.parse(text) as (Partial<ReleaseInfo> & { number?: unknown }) | null;
    // Written before deployment versions: a whole `number`, which stays the release's version as it was ("3").
    const { number, ...rest } = value ?? {};
    const version = typeof value?.version === "string" ? value.version : Number.isInteger(number) ? String(number) : undefined;
    const valid =
      value?.tag === tag &&
      version !== undefined &&
      (isDeploymentVersion(version) || isLegacyDeploymentNumber(version)) &&
      typeof value.created === "string" &&
      Array.isArray(value.eggs) &&
      typeof value.built === "boolean";
    return valid ? ({ ...rest, version } as ReleaseInfo) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Renames `dir/name` to a hidden name first, then deletes it: a crash half-way through leaves a
 * hidden leftover for the next prune, never a half-deleted directory under its real name.
 */
function removeAside(dir: string, name: string): void {
  const path = join(dir, name);
  if (!lstatSync(path, { throwIfNoEntry: false })) return;
  const aside = name.startsWith(".") ? path : join(dir, `.${name}.removing-${randomBytes(6).toString("hex")}`);
  if (aside !== path) {
    renameSync(path, aside);
    fsyncDirectory(dir);
  }
  rmSync(aside, { recursive: true, force: true });
}
