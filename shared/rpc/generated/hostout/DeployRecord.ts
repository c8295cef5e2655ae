// Original file: proto/hostout.proto

import type { PhaseSpan as _hostout_PhaseSpan, PhaseSpan__Output as _hostout_PhaseSpan__Output } from '../hostout/PhaseSpan';
import type { Long } from '@grpc/proto-loader';

export interface DeployRecord {
  'deployId'?: (string);
  'kind'?: (string);
  'tag'?: (string);
  'version'?: (string);
  'previousTag'?: (string);
  'started'?: (string);
  'durationMs'?: (number | string | Long);
  'outcome'?: (string);
  'failure'?: (string);
  'phases'?: (_hostout_PhaseSpan)[];
  'wentDown'?: (boolean);
  'downtimeMs'?: (number | string | Long);
  'bytesReceived'?: (number | string | Long);
  'by'?: (string);
  'source'?: (string);
}

export interface DeployRecord__Output {
  'deployId': (string);
  'kind': (string);
  'tag': (string);
  'version': (string);
  'previousTag': (string);
  'started': (string);
  'durationMs': (number);
  'outcome': (string);
  'failure': (string);
  'phases': (_hostout_PhaseSpan__Output)[];
  'wentDown': (boolean);
  'downtimeMs': (number);
  'bytesReceived': (number);
  'by': (string);
  'source': (string);
}
