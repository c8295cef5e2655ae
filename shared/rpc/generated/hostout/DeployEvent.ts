// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface DeployEvent {
  'phase'?: (string);
  'state'?: (string);
  'message'?: (string);
  'tag'?: (string);
  'timeMs'?: (number | string | Long);
  'version'?: (string);
}

export interface DeployEvent__Output {
  'phase': (string);
  'state': (string);
  'message': (string);
  'tag': (string);
  'timeMs': (number);
  'version': (string);
}
