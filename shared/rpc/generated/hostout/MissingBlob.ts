// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface MissingBlob {
  'sha256'?: (string);
  'receivedBytes'?: (number | string | Long);
}

export interface MissingBlob__Output {
  'sha256': (string);
  'receivedBytes': (number);
}
