// Original file: proto/hostout.proto

import type { MaintenanceLock as _hostout_MaintenanceLock, MaintenanceLock__Output as _hostout_MaintenanceLock__Output } from '../hostout/MaintenanceLock';

export interface MaintenanceLockReply {
  'lock'?: (_hostout_MaintenanceLock | null);
  'deployUnderWay'?: (string);
}

export interface MaintenanceLockReply__Output {
  'lock': (_hostout_MaintenanceLock__Output | null);
  'deployUnderWay': (string);
}
