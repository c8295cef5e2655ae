// Original file: proto/hostout.proto


export interface LogsRequest {
  'tag'?: (string);
  'phase'?: (string);
  'follow'?: (boolean);
  'agent'?: (boolean);
  'lines'?: (number);
  'app'?: (boolean);
}

export interface LogsRequest__Output {
  'tag': (string);
  'phase': (string);
  'follow': (boolean);
  'agent': (boolean);
  'lines': (number);
  'app': (boolean);
}
