// Original file: proto/hostout.proto

import type { BalancedServer as _hostout_BalancedServer, BalancedServer__Output as _hostout_BalancedServer__Output } from '../hostout/BalancedServer';
import type { Long } from '@grpc/proto-loader';

export interface HostFactsReply {
  'python'?: (string);
  'pythonVersion'?: (string);
  'pythonPlatform'?: (string);
  'abiTag'?: (string);
  'buildoutImportable'?: (boolean);
  'buildoutVersion'?: (string);
  'pythonError'?: (string);
  'launcher'?: (string);
  'launcherPresent'?: (boolean);
  'path'?: (string);
  'freeBytes'?: (number | string | Long);
  'timeMs'?: (number | string | Long);
  'toolchainInterpreter'?: (string);
  'toolchainInterpreterVersion'?: (string);
  'toolchainError'?: (string);
  'toolchainInstalled'?: (boolean);
  'balancerServers'?: (_hostout_BalancedServer)[];
  'balancerError'?: (string);
  'balancerNotLive'?: (boolean);
}

export interface HostFactsReply__Output {
  'python': (string);
  'pythonVersion': (string);
  'pythonPlatform': (string);
  'abiTag': (string);
  'buildoutImportable': (boolean);
  'buildoutVersion': (string);
  'pythonError': (string);
  'launcher': (string);
  'launcherPresent': (boolean);
  'path': (string);
  'freeBytes': (number);
  'timeMs': (number);
  'toolchainInterpreter': (string);
  'toolchainInterpreterVersion': (string);
  'toolchainError': (string);
  'toolchainInstalled': (boolean);
  'balancerServers': (_hostout_BalancedServer__Output)[];
  'balancerError': (string);
  'balancerNotLive': (boolean);
}
