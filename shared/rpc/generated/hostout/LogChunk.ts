// Original file: proto/hostout.proto


export interface LogChunk {
  'tag'?: (string);
  'phase'?: (string);
  'text'?: (string);
  'file'?: (string);
}

export interface LogChunk__Output {
  'tag': (string);
  'phase': (string);
  'text': (string);
  'file': (string);
}
