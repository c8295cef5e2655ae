// Original file: proto/hostout.proto


export interface ServicesRequest {
  'action'?: (string);
}

export interface ServicesRequest__Output {
  'action': (string);
}
