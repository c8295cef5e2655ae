// Original file: proto/hostout.proto


export interface Egg {
  'name'?: (string);
  'version'?: (string);
  'develop'?: (boolean);
}

export interface Egg__Output {
  'name': (string);
  'version': (string);
  'develop': (boolean);
}
