/**
 * Text that came from someone else (a lock message, a command line, a deploy's output, a
 * host's name, a key's name), made safe to print on a terminal: control characters cannot
 * move the cursor, erase lines or forge a line of output, because they are shown instead of
 * sent. ESC becomes ^[, CR \r, other C0 controls ^X, DEL ^?, C1 controls and the Unicode
 * bidirectional overrides \u{…}. Newlines and tabs stay (a multi-line message stays one).
 */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function visibleText(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\r') return '\\r';
    if (code < 0x20) return `^${String.fromCharCode(code + 64)}`;
    if (code === 0x7f) return '^?';
    return `\\u{${code.toString(16)}}`;
  });
}

/** One line of it: newlines shown too (a history line must stay one line). */
export function visibleLine(text: string): string {
  return visibleText(text).replace(/\n/g, '\\n');
}
