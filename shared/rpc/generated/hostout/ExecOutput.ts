// Original file: proto/hostout.proto


export interface ExecOutput {
  'stdout'?: (Buffer | Uint8Array | string);
  'stderr'?: (Buffer | Uint8Array | string);
  'exited'?: (boolean);
  'exitCode'?: (number);
  'signal'?: (string);
  'timedOut'?: (boolean);
  'cwd'?: (string);
}

export interface ExecOutput__Output {
  'stdout': (Buffer);
  'stderr': (Buffer);
  'exited': (boolean);
  'exitCode': (number);
  'signal': (string);
  'timedOut': (boolean);
  'cwd': (string);
}
