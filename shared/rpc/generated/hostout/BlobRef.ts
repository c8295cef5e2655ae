// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface BlobRef {
  'sha256'?: (string);
  'size'?: (number | string | Long);
}

export interface BlobRef__Output {
  'sha256': (string);
  'size': (number);
}
