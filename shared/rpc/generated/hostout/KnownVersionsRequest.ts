// Original file: proto/hostout.proto


export interface KnownVersionsRequest {
  'names'?: (string)[];
}

export interface KnownVersionsRequest__Output {
  'names': (string)[];
}
