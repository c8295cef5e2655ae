// Original file: proto/hostout.proto

import type { Egg as _hostout_Egg, Egg__Output as _hostout_Egg__Output } from '../hostout/Egg';
import type { Long } from '@grpc/proto-loader';

export interface Release {
  'tag'?: (string);
  'created'?: (string);
  'deployed'?: (string);
  'current'?: (boolean);
  'eggs'?: (_hostout_Egg)[];
  'hasBackup'?: (boolean);
  'built'?: (boolean);
  'version'?: (string);
  'backupBytes'?: (number | string | Long);
  'backupOwnBytes'?: (number | string | Long);
  'source'?: (string);
}

export interface Release__Output {
  'tag': (string);
  'created': (string);
  'deployed': (string);
  'current': (boolean);
  'eggs': (_hostout_Egg__Output)[];
  'hasBackup': (boolean);
  'built': (boolean);
  'version': (string);
  'backupBytes': (number);
  'backupOwnBytes': (number);
  'source': (string);
}
