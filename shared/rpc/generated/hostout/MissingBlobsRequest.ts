// Original file: proto/hostout.proto

import type { BlobRef as _hostout_BlobRef, BlobRef__Output as _hostout_BlobRef__Output } from '../hostout/BlobRef';

export interface MissingBlobsRequest {
  'blobs'?: (_hostout_BlobRef)[];
}

export interface MissingBlobsRequest__Output {
  'blobs': (_hostout_BlobRef__Output)[];
}
