// Original file: proto/hostout.proto


export interface LockRequest {
  'message'?: (string);
}

export interface LockRequest__Output {
  'message': (string);
}
