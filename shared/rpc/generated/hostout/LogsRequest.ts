// Original file: proto/hostout.proto


export interface LogsRequest {
  'tag'?: (string);
  'phase'?: (string);
  'follow'?: (boolean);
  'agent'?: (boolean);
  'lines'?: (number);
}

export interface LogsRequest__Output {
  'tag': (string);
  'phase': (string);
  'follow': (boolean);
  'agent': (boolean);
  'lines': (number);
}
