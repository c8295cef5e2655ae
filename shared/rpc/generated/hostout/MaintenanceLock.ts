// Original file: proto/hostout.proto


export interface MaintenanceLock {
  'holder'?: (string);
  'since'?: (string);
  'message'?: (string);
}

export interface MaintenanceLock__Output {
  'holder': (string);
  'since': (string);
  'message': (string);
}
