// Original file: proto/hostout.proto


export interface UnlockRequest {
}

export interface UnlockRequest__Output {
}
