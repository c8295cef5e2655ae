// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface PresignedCall {
  'request'?: (Buffer | Uint8Array | string);
  'keyId'?: (string);
  'timestamp'?: (number | string | Long);
  'nonce'?: (string);
  'signature'?: (string);
}

export interface PresignedCall__Output {
  'request': (Buffer);
  'keyId': (string);
  'timestamp': (number);
  'nonce': (string);
  'signature': (string);
}
