/**
 * Small edits to the text of one buildout file that keep everything else as the
 * team wrote it (comments, order, layout): add an item to a list option, set a
 * one-line option, append a section. Pure: text in, text out.
 */
import { parseBuildoutText, type RawOption, type RawSection } from '../config/buildout-file.ts';

const INDENT = '    ';

/**
 * Adds `item` to a whitespace-separated list option of `section`: as a new
 * continuation line of the file's own `key =` or `key +=` when it has one,
 * else as `key += item` (added to what extended files say).
 */
export function addListItem(text: string, path: string, section: string, key: string, item: string): string {
  const lines = splitLines(text);
  const sections = sectionsNamed(text, path, section);
  const own = lastOption(sections, key, (o) => o.op !== '-=');
  if (own) return joinLines(insertAt(lines, optionEnd(lines, own), [`${INDENT}${item}`]));
  if (sections.length > 0) return joinLines(insertAt(lines, sectionEnd(lines, sections[0]!), [`${key} += ${item}`]));
  return appendSection(text, section, [[key, item]], '+=');
}

/** Sets a one-line option of `section` in this file, replacing the file's own `key =` (all its lines). */
export function setOption(text: string, path: string, section: string, key: string, value: string): string {
  const lines = splitLines(text);
  const sections = sectionsNamed(text, path, section);
  const own = lastOption(sections, key, (o) => o.op === '=');
  if (own) {
    const end = optionEnd(lines, own);
    return joinLines([...lines.slice(0, own.line - 1), `${key} = ${value}`, ...lines.slice(end)]);
  }
  if (sections.length > 0) return joinLines(insertAt(lines, sectionEnd(lines, sections[0]!), [`${key} = ${value}`]));
  return appendSection(text, section, [[key, value]]);
}

/** Appends `[name]` with its options at the end of the file, after one blank line. */
export function appendSection(text: string, name: string, options: ReadonlyArray<readonly [string, string]>, op: '=' | '+=' = '='): string {
  const body = [`[${name}]`, ...options.map(([key, value]) => `${key} ${op} ${value}`)].join('\n');
  const head = text.replace(/\s*$/, '');
  return head === '' ? `${body}\n` : `${head}\n\n${body}\n`;
}

function sectionsNamed(text: string, path: string, name: string): RawSection[] {
  return parseBuildoutText(text, path).sections.filter((s) => s.name === name);
}

/** Index just after a section's last option (its header line when it has none). */
function sectionEnd(lines: readonly string[], section: RawSection): number {
  const last = section.options.at(-1);
  return last ? optionEnd(lines, last) : section.line;
}

function lastOption(sections: readonly RawSection[], key: string, accept: (o: RawOption) => boolean): RawOption | undefined {
  return sections.flatMap((s) => s.options).filter((o) => o.key === key && accept(o)).at(-1);
}

/** Index just after an option's last value line: continuation lines, not trailing blanks or comments. */
function optionEnd(lines: readonly string[], option: RawOption): number {
  let end = option.line; // 1-based line of `key =` is the 0-based index after it
  for (let i = option.line; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^[#;]/.test(line)) continue; // buildout skips comment lines inside a value
    if (line.trim() === '') continue;
    if (!/^\s/.test(line)) break;
    end = i + 1;
  }
  return end;
}

function insertAt(lines: readonly string[], index: number, added: readonly string[]): string[] {
  return [...lines.slice(0, index), ...added, ...lines.slice(index)];
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function joinLines(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}
