// Original file: proto/hostout.proto


export interface ExecRequest {
  'argv'?: (string)[];
  'timeoutSeconds'?: (number);
}

export interface ExecRequest__Output {
  'argv': (string)[];
  'timeoutSeconds': (number);
}
