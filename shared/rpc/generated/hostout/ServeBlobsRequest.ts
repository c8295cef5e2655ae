// Original file: proto/hostout.proto

import type { BlobFrom as _hostout_BlobFrom, BlobFrom__Output as _hostout_BlobFrom__Output } from '../hostout/BlobFrom';

export interface ServeBlobsRequest {
  'blobs'?: (_hostout_BlobFrom)[];
  'forHost'?: (string);
}

export interface ServeBlobsRequest__Output {
  'blobs': (_hostout_BlobFrom__Output)[];
  'forHost': (string);
}
