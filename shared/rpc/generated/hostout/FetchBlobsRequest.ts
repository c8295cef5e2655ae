// Original file: proto/hostout.proto

import type { PresignedCall as _hostout_PresignedCall, PresignedCall__Output as _hostout_PresignedCall__Output } from '../hostout/PresignedCall';

export interface FetchBlobsRequest {
  'seedHost'?: (string);
  'seedPort'?: (number);
  'seedFingerprint'?: (string);
  'seedName'?: (string);
  'serve'?: (_hostout_PresignedCall | null);
}

export interface FetchBlobsRequest__Output {
  'seedHost': (string);
  'seedPort': (number);
  'seedFingerprint': (string);
  'seedName': (string);
  'serve': (_hostout_PresignedCall__Output | null);
}
