// Original file: proto/hostout.proto


export interface AuditEntry {
  'time'?: (string);
  'keyId'?: (string);
  'peer'?: (string);
  'action'?: (string);
  'outcome'?: (string);
  'detail'?: (string);
  'keyName'?: (string);
}

export interface AuditEntry__Output {
  'time': (string);
  'keyId': (string);
  'peer': (string);
  'action': (string);
  'outcome': (string);
  'detail': (string);
  'keyName': (string);
}
