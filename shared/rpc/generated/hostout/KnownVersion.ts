// Original file: proto/hostout.proto


export interface KnownVersion {
  'name'?: (string);
  'version'?: (string);
  'sourceHash'?: (string);
  'eggSha256'?: (string);
  'released'?: (string);
}

export interface KnownVersion__Output {
  'name': (string);
  'version': (string);
  'sourceHash': (string);
  'eggSha256': (string);
  'released': (string);
}
