// Original file: proto/hostout.proto


export interface ExecInput {
  'argv'?: (string)[];
  'timeoutSeconds'?: (number);
  'tty'?: (boolean);
  'rows'?: (number);
  'cols'?: (number);
  'stdin'?: (Buffer | Uint8Array | string);
  'stdinEnd'?: (boolean);
}

export interface ExecInput__Output {
  'argv': (string)[];
  'timeoutSeconds': (number);
  'tty': (boolean);
  'rows': (number);
  'cols': (number);
  'stdin': (Buffer);
  'stdinEnd': (boolean);
}
