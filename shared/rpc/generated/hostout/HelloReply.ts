// Original file: proto/hostout.proto


export interface HelloReply {
  'agentVersion'?: (string);
  'uptimeSeconds'?: (number | string);
  'path'?: (string);
  'hostname'?: (string);
  'keyId'?: (string);
}

export interface HelloReply__Output {
  'agentVersion': (string);
  'uptimeSeconds': (number);
  'path': (string);
  'hostname': (string);
  'keyId': (string);
}
