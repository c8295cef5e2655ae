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
}
