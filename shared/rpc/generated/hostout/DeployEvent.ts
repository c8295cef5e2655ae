// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface DeployEvent {
  'phase'?: (string);
  'state'?: (string);
  'message'?: (string);
  'tag'?: (string);
  'number'?: (number);
  'timeMs'?: (number | string | Long);
}

export interface DeployEvent__Output {
  'phase': (string);
  'state': (string);
  'message': (string);
  'tag': (string);
  'number': (number);
  'timeMs': (number);
}
