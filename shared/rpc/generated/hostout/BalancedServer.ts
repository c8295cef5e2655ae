// Original file: proto/hostout.proto


export interface BalancedServer {
  'server'?: (string);
  'status'?: (string);
  'sessions'?: (number);
}

export interface BalancedServer__Output {
  'server': (string);
  'status': (string);
  'sessions': (number);
}
