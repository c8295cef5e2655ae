// Original file: proto/hostout.proto

import type { MissingBlob as _hostout_MissingBlob, MissingBlob__Output as _hostout_MissingBlob__Output } from '../hostout/MissingBlob';

export interface MissingBlobsReply {
  'missing'?: (_hostout_MissingBlob)[];
}

export interface MissingBlobsReply__Output {
  'missing': (_hostout_MissingBlob__Output)[];
}
