// Original file: proto/hostout.proto

import type { Release as _hostout_Release, Release__Output as _hostout_Release__Output } from '../hostout/Release';
import type { Lock as _hostout_Lock, Lock__Output as _hostout_Lock__Output } from '../hostout/Lock';
import type { MaintenanceLock as _hostout_MaintenanceLock, MaintenanceLock__Output as _hostout_MaintenanceLock__Output } from '../hostout/MaintenanceLock';
import type { GivenVersion as _hostout_GivenVersion, GivenVersion__Output as _hostout_GivenVersion__Output } from '../hostout/GivenVersion';
import type { DeployRecord as _hostout_DeployRecord, DeployRecord__Output as _hostout_DeployRecord__Output } from '../hostout/DeployRecord';

export interface StatusReply {
  'agentVersion'?: (string);
  'uptimeSeconds'?: (number | string);
  'path'?: (string);
  'currentTag'?: (string);
  'releases'?: (_hostout_Release)[];
  'backups'?: (string)[];
  'lock'?: (_hostout_Lock | null);
  'state'?: (string);
  'hostname'?: (string);
  'currentVersion'?: (string);
  'serviceName'?: (string);
  'serviceManager'?: (string);
  'maintenance'?: (_hostout_MaintenanceLock | null);
  'versionsGiven'?: (_hostout_GivenVersion)[];
  'lastDeploy'?: (_hostout_DeployRecord | null);
}

export interface StatusReply__Output {
  'agentVersion': (string);
  'uptimeSeconds': (number);
  'path': (string);
  'currentTag': (string);
  'releases': (_hostout_Release__Output)[];
  'backups': (string)[];
  'lock': (_hostout_Lock__Output | null);
  'state': (string);
  'hostname': (string);
  'currentVersion': (string);
  'serviceName': (string);
  'serviceManager': (string);
  'maintenance': (_hostout_MaintenanceLock__Output | null);
  'versionsGiven': (_hostout_GivenVersion__Output)[];
  'lastDeploy': (_hostout_DeployRecord__Output | null);
}
