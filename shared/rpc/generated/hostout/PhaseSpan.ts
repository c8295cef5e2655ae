// Original file: proto/hostout.proto

import type { Long } from '@grpc/proto-loader';

export interface PhaseSpan {
  'phase'?: (string);
  'startMs'?: (number | string | Long);
  'durationMs'?: (number | string | Long);
  'outcome'?: (string);
  'message'?: (string);
}

export interface PhaseSpan__Output {
  'phase': (string);
  'startMs': (number);
  'durationMs': (number);
  'outcome': (string);
  'message': (string);
}
