// Original file: proto/hostout.proto

import type { DeployRecord as _hostout_DeployRecord, DeployRecord__Output as _hostout_DeployRecord__Output } from '../hostout/DeployRecord';

export interface RecentDeploysReply {
  'hostname'?: (string);
  'deploys'?: (_hostout_DeployRecord)[];
}

export interface RecentDeploysReply__Output {
  'hostname': (string);
  'deploys': (_hostout_DeployRecord__Output)[];
}
