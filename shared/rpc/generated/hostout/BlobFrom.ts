// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface BlobFrom {
  'sha256'?: (string);
  'offset'?: (number | string | Long);
}

export interface BlobFrom__Output {
  'sha256': (string);
  'offset': (number);
}
