// Original file: proto/hostout.proto


export interface Lock {
  'holder'?: (string);
  'since'?: (string);
  'tag'?: (string);
}

export interface Lock__Output {
  'holder': (string);
  'since': (string);
  'tag': (string);
}
