// Original file: proto/hostout.proto


export interface RollbackRequest {
  'to'?: (string);
  'withDb'?: (boolean);
  'skipStop'?: (boolean);
}

export interface RollbackRequest__Output {
  'to': (string);
  'withDb': (boolean);
  'skipStop': (boolean);
}
