// Original file: proto/hostout.proto


export interface HostFactsRequest {
}

export interface HostFactsRequest__Output {
}
