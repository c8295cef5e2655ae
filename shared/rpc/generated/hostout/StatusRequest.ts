// Original file: proto/hostout.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
