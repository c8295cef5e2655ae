// Original file: proto/hostout.proto


export interface GivenVersion {
  'version'?: (string);
  'tag'?: (string);
}

export interface GivenVersion__Output {
  'version': (string);
  'tag': (string);
}
