// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface FetchBlobsReply {
  'blobs'?: (number);
  'bytes'?: (number | string | Long);
}

export interface FetchBlobsReply__Output {
  'blobs': (number);
  'bytes': (number);
}
