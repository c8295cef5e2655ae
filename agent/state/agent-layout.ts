/**
 * Where the agent keeps its state under the host's root directory (design.md, "Agent state
 * on a host"). Every other state module takes its paths from here, so the layout is one map.
 */
import { chmodSync } from "node:fs";
import { makeDirectories } from "../../shared/fs/make-directories.ts";
import { join, resolve } from "node:path";
import { StateError } from "../../shared/errors.ts";

export interface AgentLayout {
  root: string;
  /** agent-private state: 0700 */
  agentDir: string;
  /** content-addressed, verified blobs: blobs/sha256/<hex> */
  blobsDir: string;
  /** uploads in progress: blobs/partial/<hex> */
  partialBlobsDir: string;
  journalFile: string;
  auditFile: string;
  /** refused requests, kept apart from what authorized keys did so that a flood of them cannot rotate that out */
  refusalsFile: string;
  lockFile: string;
  /** the maintenance lock (ctl lock): held until ctl unlock, unlike the deploy lock */
  maintenanceLockFile: string;
  /** each deploy's phase output (logs/deploys/<tag>/<phase>.log) and the agent's own log */
  logsDir: string;
  /** authorized controller keys */
  keysDir: string;
  /** the agent's TLS identity */
  tlsDir: string;
  releasesDir: string;
  /** the symlink `current -> releases/<tag>` */
  currentLink: string;
  sharedDir: string;
  sharedVarDir: string;
  sharedEggsDir: string;
  /** the eggs buildout finds (find-links) */
  sharedDistDir: string;
  backupsDir: string;
  /** the buildout toolchains' virtualenvs (toolchains/py3.12-<hash>), shared by the releases built with them */
  toolchainsDir: string;
}

const PRIVATE_DIR_MODE = 0o700;
const DIR_MODE = 0o750;

/** Tags name directories, so they are one plain path component and never start with a dot (staging names do). */
const RELEASE_TAG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function agentLayout(root: string): AgentLayout {
  const absoluteRoot = resolve(root);
  const agentDir = join(absoluteRoot, "agent");
  const sharedDir = join(absoluteRoot, "shared");
  return {
    root: absoluteRoot,
    agentDir,
    blobsDir: join(agentDir, "blobs", "sha256"),
    partialBlobsDir: join(agentDir, "blobs", "partial"),
    journalFile: join(agentDir, "journal"),
    auditFile: join(agentDir, "audit"),
    refusalsFile: join(agentDir, "audit-refusals"),
    lockFile: join(agentDir, "lock"),
    maintenanceLockFile: join(agentDir, "maintenance-lock"),
    logsDir: join(agentDir, "logs"),
    keysDir: join(agentDir, "keys"),
    tlsDir: join(agentDir, "tls"),
    releasesDir: join(absoluteRoot, "releases"),
    currentLink: join(absoluteRoot, "current"),
    sharedDir,
    sharedVarDir: join(sharedDir, "var"),
    sharedEggsDir: join(sharedDir, "eggs"),
    sharedDistDir: join(sharedDir, "dist"),
    backupsDir: join(absoluteRoot, "backups"),
    toolchainsDir: join(absoluteRoot, "toolchains"),
  };
}

/** Creates the missing directories of the layout; the agent's own directory is always tightened to 0700. */
export function ensureLayout(layout: AgentLayout): void {
  ensureDirectory(layout.root, DIR_MODE);
  ensureDirectory(layout.agentDir, PRIVATE_DIR_MODE);
  // It holds keys and the TLS identity: tightened even when someone loosened it.
  chmodSync(layout.agentDir, PRIVATE_DIR_MODE);
  for (const dir of [join(layout.agentDir, "blobs"), layout.blobsDir, layout.partialBlobsDir, layout.keysDir, layout.tlsDir, layout.logsDir]) {
    ensureDirectory(dir, PRIVATE_DIR_MODE);
  }
  for (const dir of [layout.releasesDir, layout.sharedDir, layout.sharedVarDir, layout.sharedEggsDir, layout.sharedDistDir, layout.backupsDir]) {
    ensureDirectory(dir, DIR_MODE);
  }
}

/** `releases/<tag>`, after checking that `tag` is a plain directory name. */
export function releaseDir(layout: AgentLayout, tag: string): string {
  return join(layout.releasesDir, checkReleaseTag(tag));
}

/** `backups/<tag>`: the database as it was right before `tag` went live. */
export function backupDir(layout: AgentLayout, tag: string): string {
  return join(layout.backupsDir, checkReleaseTag(tag));
}

/** `tag` itself, or a StateError when it could not safely name a directory. */
export function checkReleaseTag(tag: string): string {
  if (!RELEASE_TAG.test(tag)) {
    throw new StateError(`"${tag}" is not a valid release tag`, {
      hint: "a tag is one path component of letters, digits, '.', '_' or '-', not starting with a dot (e.g. 20261125-3f2a9c1d)",
    });
  }
  return tag;
}

// mkdir's mode passes through the umask; an explicit chmod gives the mode we mean. Existing dirs are left as the operator set them.
function ensureDirectory(dir: string, mode: number): void {
  if (makeDirectories(dir, mode) !== undefined) chmodSync(dir, mode);
}
