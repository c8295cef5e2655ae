import assert from 'node:assert/strict';

/** Asserts that `lines` match in `output` in this order (other lines may come between them). */
export function assertLinesInOrder(output: string, lines: readonly RegExp[]): void {
  let from = 0;
  for (const line of lines) {
    const match = line.exec(output.slice(from));
    assert.ok(match, `expected ${line} after character ${from} of:\n${output}`);
    from += match.index + match[0].length;
  }
}
