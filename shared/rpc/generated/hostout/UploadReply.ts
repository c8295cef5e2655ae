// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface UploadReply {
  'sha256'?: (string);
  'size'?: (number | string | Long);
}

export interface UploadReply__Output {
  'sha256': (string);
  'size': (number);
}
