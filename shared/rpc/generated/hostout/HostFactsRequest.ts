// Original file: proto/hostout.proto


export interface HostFactsRequest {
  'toolchainPython'?: (string);
  'toolchainWheels'?: (string)[];
  'balancerSocket'?: (string);
  'balancerBackend'?: (string);
}

export interface HostFactsRequest__Output {
  'toolchainPython': (string);
  'toolchainWheels': (string)[];
  'balancerSocket': (string);
  'balancerBackend': (string);
}
