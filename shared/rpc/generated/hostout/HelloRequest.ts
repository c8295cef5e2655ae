// Original file: proto/hostout.proto


export interface HelloRequest {
}

export interface HelloRequest__Output {
}
