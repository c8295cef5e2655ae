/**
 * The agent's own log: pino JSON lines on stderr (the journal, under systemd) and in
 * agent/logs/agent.log, so `ctl logs --agent` can read it over a signed call from hosts
 * with or without systemd. The file is capped: past AGENT_LOG_MAX_BYTES it becomes
 * agent.log.1 (replacing the older one) and a new file starts, so it never holds more
 * than twice the cap.
 */
import { closeSync, openSync, renameSync, fstatSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { readLastJsonLines } from '../state/json-lines-file.ts';

export const AGENT_LOG_MAX_BYTES = 5 * 1024 * 1024;
export const AGENT_LOG_FILE = 'agent.log';

export function agentLogger(logsDir: string, level: string): Logger {
  return pino({ level }, pino.multistream([{ level: 'trace', stream: pino.destination(2) }, { level: 'trace', stream: new CappedLogFile(join(logsDir, AGENT_LOG_FILE)) }]));
}

/** The last `lines` entries of the agent's log file (and of the rotated one when the file holds fewer), oldest first. */
export function readAgentLog(logsDir: string, lines: number): Record<string, unknown>[] {
  const file = join(logsDir, AGENT_LOG_FILE);
  const recent = readLastJsonLines(file, lines);
  return recent.length >= lines ? recent : [...readLastJsonLines(`${file}.1`, lines - recent.length), ...recent];
}

/** A file pino writes whole lines into, rotated once at the cap; a failing disk costs the file, never the agent. */
export class CappedLogFile {
  private fd?: number;
  private size = 0;
  private broken = false;

  constructor(
    private readonly file: string,
    private readonly maxBytes = AGENT_LOG_MAX_BYTES,
  ) {}

  write(line: string): void {
    if (this.broken) return;
    try {
      if (this.fd === undefined) this.open();
      if (this.size >= this.maxBytes) this.rotate();
      this.size += writeSync(this.fd!, line);
    } catch {
      // the log also goes to stderr; a state directory that cannot take it must not stop the agent
      this.broken = true;
    }
  }

  private open(): void {
    this.fd = openSync(this.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    closeSync(this.fd!);
    renameSync(this.file, `${this.file}.1`);
    this.open();
  }
}
