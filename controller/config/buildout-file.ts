/**
 * Parses one buildout file the way zc.buildout 2.13's configparser does: no extends,
 * no substitution, only what the file itself says (conditional sections already decided).
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../shared/errors.ts';
import { isSectionConditionTrue } from './section-condition.ts';
import { BUILDOUT_PYTHON } from './buildout-defaults.ts';

export type OptionOp = '=' | '+=' | '-=';

export interface RawOption { key: string; op: OptionOp; value: string; file: string; line: number }
export interface RawSection { name: string; file: string; line: number; options: RawOption[] }
export interface RawBuildoutFile { path: string; sections: RawSection[] }

// Both patterns are buildout's own (configparser.section_header and option_start).
const SECTION_HEADER = /^\[\s*([^\s#[\]:;{}]+)\s*(?::([^#;]*))?\s*\]\s*(?:[#;].*)?$/;
const OPTION_START = /^([^\s{}[\]=:]+\s*[-+]?)=([\s\S]*)$/;

/** `python`: the interpreter whose zc.buildout decides conditional section headers. */
export function parseBuildoutFile(path: string, python = BUILDOUT_PYTHON): RawBuildoutFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new ConfigError(`cannot read buildout file ${path}`, {
      where: path,
      hint: 'check that the file exists and is readable',
      cause,
    });
  }
  return parseBuildoutText(decodeBuildoutText(bytes, path), path, python);
}

/**
 * Buildout opens configuration files as UTF-8 text (Python 3 with a UTF-8 locale) and fails
 * on bytes that are not UTF-8, such as a Latin-1 "é" in a comment; decoding leniently would
 * turn them into U+FFFD and read values buildout never accepts. `path` may be a URL.
 */
export function decodeBuildoutText(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const line = lineOfFirstInvalidByte(bytes);
    throw new ConfigError(`buildout file ${path} is not UTF-8 text (line ${line})`, {
      where: `${path}:${line}`,
      hint: 'save the file as UTF-8 (for example: iconv -f latin1 -t utf-8), as buildout reads it',
    });
  }
}

function lineOfFirstInvalidByte(bytes: Uint8Array): number {
  // Lines before the first undecodable one decode cleanly, so count newlines up to it.
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    start = i + 1;
  }
  return line;
}

export function parseBuildoutText(text: string, path: string, python = BUILDOUT_PYTHON): RawBuildoutFile {
  const sections: RawSection[] = [];
  const badLines: Array<{ line: number; text: string }> = [];
  let section: RawSection | undefined;
  let option: RawOption | undefined;
  let sectionIsOn = true;
  // An option whose first line is empty keeps its indentation (dedented later), like buildout.
  let blockMode = false;

  linesOf(text).forEach((rawLine, index) => {
    const lineNo = index + 1;
    const first = rawLine.charAt(0);
    if (first === '#' || first === ';') return;

    // Buildout tests line[0].isspace() on a line that still ends in "\n", so an empty line counts.
    const startsWithSpace = rawLine === '' || /^\s/.test(rawLine);
    if (startsWithSpace && section && option) {
      if (!sectionIsOn) return;
      const continued = blockMode ? rawLine.trimEnd() : rawLine.trim();
      if (!blockMode && continued === '') return;
      option.value = `${option.value}\n${continued}`;
      return;
    }

    const header = SECTION_HEADER.exec(rawLine);
    if (header) {
      const [, name = '', condition] = header;
      sectionIsOn = true;
      // Like buildout, a false section leaves the previous section open but mutes its lines.
      if (condition && !isSectionConditionTrue(condition, `${path}:${lineNo}`, python)) {
        sectionIsOn = false;
        return;
      }
      section = { name, file: path, line: lineNo, options: [] };
      sections.push(section);
      option = undefined;
      return;
    }

    if (!section) {
      if (rawLine.trim() === '') return;
      throw new ConfigError('option or text before the first [section] header', {
        where: `${path}:${lineNo}`,
        hint: 'start the file with a section header such as [buildout]',
      });
    }

    const line = rawLine.startsWith('=>') ? `<part-dependencies> = ${rawLine.slice(2)}` : rawLine;
    const start = OPTION_START.exec(line);
    if (start) {
      if (!sectionIsOn) return;
      const value = (start[2] ?? '').trim();
      option = { ...optionKeyAndOp(start[1] ?? ''), value, file: path, line: lineNo };
      section.options.push(option);
      blockMode = value === '';
    } else if (option || line.trim() !== '') {
      badLines.push({ line: lineNo, text: rawLine });
    }
  });

  if (badLines.length > 0) throw parsingError(path, badLines);
  for (const { options } of sections) {
    for (const opt of options) opt.value = normalizeBlockValue(opt.value);
  }
  return { path, sections };
}

/** `eggs +` and `eggs+` both mean "add to eggs"; buildout strips the operator the same way. */
export function optionKeyAndOp(name: string): { key: string; op: OptionOp } {
  const trimmed = name.trimEnd();
  if (trimmed.endsWith('+')) return { key: trimmed.replace(/[ +]+$/, ''), op: '+=' };
  if (trimmed.endsWith('-')) return { key: trimmed.replace(/[ -]+$/, ''), op: '-=' };
  return { key: trimmed, op: '=' };
}

/** Python's universal newlines: \r\n, \r and \n all end a line; a final newline adds no line. */
function linesOf(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** Values that start on the line after `name =` are dedented and lose leading blank lines. */
function normalizeBlockValue(value: string): string {
  if (!/^\s/.test(value)) return value;
  return dedent(value.trimEnd()).replace(/^(\s*\n)+/, '');
}

/** Python's textwrap.dedent: drop the indentation all non-blank lines share. */
function dedent(text: string): string {
  const lines = text.split('\n').map((line) => (/^[ \t]+$/.test(line) ? '' : line));
  let margin: string | undefined;
  for (const line of lines) {
    const indent = /^[ \t]*(?=[^ \t])/.exec(line)?.[0];
    if (indent === undefined) continue;
    margin = margin === undefined ? indent : commonPrefix(margin, indent);
  }
  if (!margin) return lines.join('\n');
  const width = margin.length;
  return lines.map((line) => (line.startsWith(margin) ? line.slice(width) : line)).join('\n');
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function parsingError(path: string, badLines: Array<{ line: number; text: string }>): ConfigError {
  const listed = badLines.map(({ line, text }) => `line ${line}: ${JSON.stringify(text)}`).join('; ');
  return new ConfigError(`cannot parse ${listed}`, {
    where: `${path}:${badLines[0]?.line ?? 0}`,
    hint: 'options are written `name = value`; continuation lines must be indented',
  });
}
