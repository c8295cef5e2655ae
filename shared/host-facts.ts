/** What the agent's HostFacts call reports (proto HostFactsReply): read by `ctl check`. */
export interface HostFacts {
  python: string;
  pythonVersion: string;
  pythonPlatform: string;
  abiTag: string;
  buildoutImportable: boolean;
  buildoutVersion: string;
  pythonError: string;
  launcher: string;
  launcherPresent: boolean;
  path: string;
  freeBytes: number;
  /** the agent's clock when the request arrived */
  timeMs: number;
  /** asked with a release's toolchain: the host's Python that builds it, or why none can */
  toolchainInterpreter?: string;
  toolchainInterpreterVersion?: string;
  toolchainError?: string;
  /** its virtualenv is made already */
  toolchainInstalled?: boolean;
  /** asked with the target's balancer: its backend's servers now, or why they could not be read */
  balancerServers?: { server: string; status: string; sessions: number }[];
  balancerError?: string;
  balancerNotLive?: boolean;
}
