// Original file: proto/hostout.proto

import type { KnownVersion as _hostout_KnownVersion, KnownVersion__Output as _hostout_KnownVersion__Output } from '../hostout/KnownVersion';

export interface KnownVersionsReply {
  'versions'?: (_hostout_KnownVersion)[];
}

export interface KnownVersionsReply__Output {
  'versions': (_hostout_KnownVersion__Output)[];
}
