/**
 * Append-only files of JSON lines (the journal, the audit log) that survive a crash:
 * every append is one write followed by fsync, and a reader skips what a power loss
 * can leave behind: a last line cut short.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { fsyncDirectory } from "../../shared/fs/atomic-write.ts";

/** Appends `value` as one JSON line and returns once it is on disk. */
export function appendJsonLine(file: string, value: unknown, mode = 0o600): void {
  const fd = openSync(file, "a+", mode);
  try {
    const created = fstatSync(fd).size === 0;
    // A torn line from a crash has no newline; end it, so this entry starts a line of its own.
    const prefix = endsWithNewline(fd) ? "" : "\n";
    writeAll(fd, Buffer.from(`${prefix}${JSON.stringify(value)}\n`));
    fsyncSync(fd);
    // The first entry also makes the file's name durable.
    if (created) fsyncDirectory(dirname(file));
  } finally {
    closeSync(fd);
  }
}

/**
 * The parsed objects of the file, oldest first; [] when it does not exist.
 * A line that does not parse can only be a write cut short by a crash
 * (every entry is written whole, in one append), so it is skipped.
 */
export function readJsonLines(file: string): Record<string, unknown>[] {
  return parseLines(readTail(file, Number.POSITIVE_INFINITY));
}

/** The last `limit` objects of the file, oldest first, read from the end so a long log costs only what is asked. */
export function readLastJsonLines(file: string, limit: number): Record<string, unknown>[] {
  if (limit <= 0) return [];
  // One more line than asked, because the last one may be torn.
  return parseLines(readTail(file, limit + 1)).slice(-limit);
}

const TAIL_CHUNK = 64 * 1024;

/** The text of the last `lines` newline-terminated lines (plus any unterminated tail). */
function readTail(file: string, lines: number): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
  try {
    const chunks: Buffer[] = [];
    let position = fstatSync(fd).size;
    let newlines = 0;
    while (position > 0 && newlines <= lines) {
      const length = Math.min(TAIL_CHUNK, position);
      position -= length;
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, position);
      chunks.unshift(chunk);
      for (const byte of chunk) if (byte === 0x0a) newlines++;
    }
    const text = Buffer.concat(chunks).toString("utf8");
    // Started mid-file: the text before the first newline is the end of an older line.
    return position > 0 ? text.slice(text.indexOf("\n") + 1) : text;
  } finally {
    closeSync(fd);
  }
}

function parseLines(text: string): Record<string, unknown>[] {
  const values: Record<string, unknown>[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const value = parseObject(line);
    if (value) values.push(value);
  }
  return values;
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

function writeAll(fd: number, data: Buffer): void {
  for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
}
