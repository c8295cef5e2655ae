// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface BlobChunk {
  'sha256'?: (string);
  'size'?: (number | string | Long);
  'offset'?: (number | string | Long);
  'data'?: (Buffer | Uint8Array | string);
}

export interface BlobChunk__Output {
  'sha256': (string);
  'size': (number);
  'offset': (number);
  'data': (Buffer);
}
