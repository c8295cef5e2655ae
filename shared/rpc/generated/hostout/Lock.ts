// Original file: proto/hostout.proto


export interface Lock {
  'holder'?: (string);
  'since'?: (string);
  'tag'?: (string);
  'pid'?: (number);
  'stale'?: (boolean);
}

export interface Lock__Output {
  'holder': (string);
  'since': (string);
  'tag': (string);
  'pid': (number);
  'stale': (boolean);
}
