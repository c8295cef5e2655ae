/**
 * The release manifest: the one object that flows from planning (controller)
 * to activation (agent). Planning fills what it can decide without building;
 * building fills hashes and sizes; the agent verifies every field it relies on.
 */
export interface ManifestEgg {
  name: string;
  version: string;
  /** true for a develop egg the controller released from a source checkout */
  develop: boolean;
  /** content hash of the source files (develop eggs only) */
  sourceHash?: string;
  /** sha256 hex of the zipped egg's bytes */
  sha256: string;
  size: number;
  /** the egg's file name, as buildout finds it in find-links */
  filename: string;
}

export interface ManifestArchive {
  sha256: string;
  size: number;
  /** tar entries (files and directories): the agent refuses an archive that holds more */
  entries: number;
  /** the sum of its files' sizes: the agent stops unpacking past it (a decompression bomb) */
  unpackedBytes: number;
}

/** A wheel of the buildout toolchain, installed into the host's toolchain virtualenv. */
export interface ManifestWheel {
  name: string;
  version: string;
  sha256: string;
  size: number;
  filename: string;
}

/**
 * What the release's buildout runs on: the Python its eggs were built for and the
 * toolchain (zc.buildout, setuptools, pip, wheel, …). With wheels, the agent installs
 * them into a virtualenv of their own (toolchains/<id>) and builds with it; without,
 * the host's own buildout (Debian's) builds, and its Python must be the same minor version.
 * Absent in manifests made before toolchains: the host's own buildout, unchecked.
 */
export interface ManifestToolchain {
  /** 3.12 */
  python: string;
  /** zc.buildout's version */
  buildout: string;
  wheels: ManifestWheel[];
}

export interface Manifest {
  formatVersion: 1;
  target: string;
  /** UTC date + short content hash, e.g. 20261125-3f2a9c1d */
  tag: string;
  created: string;
  /** the buildout config to run on the host, relative to the archive root */
  buildout: string;
  archive: ManifestArchive;
  eggs: ManifestEgg[];
  /** the versions.cfg content: every egg production needs, name -> version */
  pins: Record<string, string>;
  settings: DeploySettings;
  toolchain?: ManifestToolchain;
  /** the checkout it was deployed from (set when signed for a deploy); absent outside a git or hg checkout */
  source?: ManifestSource;
}

/** Which code a release came from: the checkout's revision, and whether the tree differed from it. */
export interface ManifestSource {
  vcs: 'git' | 'hg';
  /** the full commit id (git) or changeset id (hg) */
  revision: string;
  /** files that differ from the revision (modified, added, deleted, untracked): 0 for a clean tree */
  uncommittedFiles: number;
}

/** "git 3f2a9c1d", "git 3f2a9c1d + 3 uncommitted files": as status, history and the report show it. */
export function describeSource(source: ManifestSource | undefined): string {
  if (!source) return '';
  const changes = source.uncommittedFiles ? ` + ${source.uncommittedFiles} uncommitted file${source.uncommittedFiles === 1 ? '' : 's'}` : '';
  return `${source.vcs} ${source.revision.slice(0, 12)}${changes}`;
}

/**
 * How the agent runs this release: the deployment target's options, carried
 * in the signed manifest so the host needs no config of its own.
 */
export interface DeploySettings {
  services: {
    kind: 'command' | 'systemd' | 'supervisor' | 'none';
    start?: string;
    stop?: string;
    status?: string;
    names: string[];
    /** how long stopping may take before the stop command's process group is killed (absent in older manifests: 120 s) */
    stopTimeoutSeconds?: number;
    /**
     * Instances of the application behind a balancer (target option instances), each started and
     * stopped by its own control script: a deploy or rollback switches them one at a time while
     * the others serve. The services above (a ZEO server) then run beside them, and are stopped
     * only when the release changes how. Absent: everything goes down together.
     */
    instances?: InstanceSettings[];
    /** what takes an instance out of rotation while it restarts (target option balancer); absent: nothing drains them */
    balancer?: BalancerSettings;
  };
  db: {
    kind: 'files' | 'postgresql' | 'command' | 'none';
    paths: string[];
    database?: string;
    backupCommand?: string;
    restoreCommand?: string;
  };
  health: { url?: string; command?: string; timeoutSeconds: number; retries: number };
  /** run between switch and start (schema migrations); absent when the target has none */
  migrate?: { command: string; timeoutSeconds: number };
  keepReleases: number;
  /** database backups kept (the newest); absent: as many as keepReleases */
  keepBackups?: number;
  /** release directories that live in shared/ and outlive releases (var, ...) */
  sharedDirs: string[];
  /**
   * The target's `version`: where the host's deployment versions start (0.1), or a new
   * series (2.0). The agent assigns the versions themselves (agent/state/deployment-versions.ts).
   * Absent in manifests made before versions: 0.1.
   */
  versionSeries?: string;
  /** the most the buildout archive may unpack to (max-unpacked-size): the agent refuses a manifest declaring more */
  maxUnpackedBytes: number;
  /** the application's own log files, relative to the release directory (target option app-logs): what `ctl logs --app` shows */
  appLogs?: string[];
}

/** One instance: `script start|stop|status` run in the release directory; it serves when `healthUrl` answers 2xx. */
export interface InstanceSettings {
  /** relative to the release directory, e.g. bin/instance1 */
  script: string;
  healthUrl: string;
  /** its server's name in the balancer's backend (default: the script's file name) */
  server: string;
}

export interface BalancerSettings {
  kind: 'haproxy';
  /** HAProxy's runtime API (`stats socket PATH level admin`); relative: from the release directory */
  socket: string;
  backend: string;
  /** how long to wait for an instance's sessions to end before it is stopped anyway (target option drain-timeout) */
  drainTimeoutSeconds: number;
}

/** A manifest as the agent receives it: the manifest and the controller's signature of it. */
export interface SignedManifest {
  manifest: Manifest;
  keyId: string;
  signature: string;
}
