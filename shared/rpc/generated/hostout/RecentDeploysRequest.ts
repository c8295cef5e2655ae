// Original file: proto/hostout.proto


export interface RecentDeploysRequest {
  'limit'?: (number);
}

export interface RecentDeploysRequest__Output {
  'limit': (number);
}
