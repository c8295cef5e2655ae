// Original file: proto/hostout.proto

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
}
