// Original file: proto/hostout.proto


export interface DeployRequest {
  'manifest'?: (Buffer | Uint8Array | string);
  'manifestKeyId'?: (string);
  'manifestSignature'?: (Buffer | Uint8Array | string);
  'force'?: (boolean);
  'skipStop'?: (boolean);
  'prepareOnly'?: (boolean);
  'version'?: (string);
}

export interface DeployRequest__Output {
  'manifest': (Buffer);
  'manifestKeyId': (string);
  'manifestSignature': (Buffer);
  'force': (boolean);
  'skipStop': (boolean);
  'prepareOnly': (boolean);
  'version': (string);
}
