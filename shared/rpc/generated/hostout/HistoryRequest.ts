// Original file: proto/hostout.proto


export interface HistoryRequest {
  'limit'?: (number);
}

export interface HistoryRequest__Output {
  'limit': (number);
}
