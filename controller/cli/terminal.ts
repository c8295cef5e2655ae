import type { Command } from 'commander';

/**
 * What ctl shows people, in one place: colours (on a terminal only, never
 * with NO_COLOR or --no-color), --quiet and --verbose, and the progress line
 * that says what is running ("Running remote buildout... 12 s  Installing
 * acme") and is closed before an error is printed, so the error starts a line.
 */

export interface TextStyle {
  ok(text: string): string;
  fail(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (code: number) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
const COLOURED: TextStyle = { ok: sgr(32), fail: sgr(31), warn: sgr(33), dim: sgr(2), bold: sgr(1) };
const same = (text: string) => text;
export const PLAIN: TextStyle = { ok: same, fail: same, warn: same, dim: same, bold: same };

/** Colours for text written to `stream`: a terminal, no NO_COLOR (https://no-color.org), no --no-color. */
export function styleFor(stream: { isTTY?: boolean }, argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): TextStyle {
  return stream.isTTY && !env.NO_COLOR && !argv.includes('--no-color') ? COLOURED : PLAIN;
}

/** --quiet and --verbose, read from the command line as --json is (every command takes them). */
export function outputMode(argv: readonly string[] = process.argv): { quiet: boolean; verbose: boolean } {
  return { quiet: argv.includes('--quiet') || argv.includes('-q'), verbose: argv.includes('--verbose') || argv.includes('-v') };
}

/** Gives every command --quiet, --verbose and --no-color (one that has its own keeps it). */
export function addTerminalOptions(command: Command): void {
  for (const sub of command.commands) {
    if (sub.commands.length > 0) addTerminalOptions(sub);
    const has = (flag: string) => sub.options.some((o) => o.long === flag);
    if (!has('--quiet')) sub.option('-q, --quiet', 'print only the result and errors');
    if (!has('--verbose')) sub.option('-v, --verbose', 'print more: the output of buildout and of the services');
    if (!has('--no-color')) sub.option('--no-color', 'no colours (also when NO_COLOR is set, or the output is not a terminal)');
  }
}

const open = new Set<ProgressOutput>();

/** Ends every progress line still open, so that an error printed now starts on a line of its own. */
export function closeOpenProgressLines(): void {
  for (const output of open) output.closeLine(output.style.fail('failed'));
}

const ERASE_LINE = '\r\x1b[2K';
const SGR_CODE = /\x1b\[[0-9;]*m/g;

/**
 * A stream of progress text ("Label..." then "done (...)\n") that knows whether
 * a line is open. On a terminal an open line shows how long it has been open and
 * the latest activity (`status`), redrawn each second and wiped before the line goes on.
 */
export class ProgressOutput {
  readonly style: TextStyle;
  readonly quiet: boolean;
  /** a terminal: live status and progress bars */
  readonly live: boolean;
  private openText = '';
  private openedAt = 0;
  private statusText = '';
  private statusShown = false;
  private lent = false;
  private ticker?: NodeJS.Timeout;

  constructor(
    readonly stream: NodeJS.WriteStream,
    options: { quiet?: boolean } = {},
  ) {
    this.style = styleFor(stream);
    this.quiet = options.quiet ?? outputMode().quiet;
    this.live = Boolean(stream.isTTY) && !this.quiet;
  }

  /** Progress text; nothing under --quiet. */
  readonly write = (text: string): void => {
    if (this.quiet || text === '') return;
    this.wipeStatus();
    this.stream.write(text);
    const end = text.lastIndexOf('\n');
    const wasOpen = this.openText !== '';
    this.openText = end === -1 ? this.openText + text : text.slice(end + 1);
    if (this.openText === '') return this.lineClosed();
    if (!wasOpen || end !== -1) this.lineOpened();
  };

  /** What the open line's work is doing now (the latest line of buildout, the egg being built): terminal only. */
  status(text: string): void {
    if (!this.live || this.openText === '') return;
    this.statusText = text.trim();
    this.drawStatus();
  }

  /** Ends the open line, if any, with `suffix`. */
  closeLine(suffix = ''): void {
    if (this.openText !== '') this.write(`${suffix}\n`);
  }

  /**
   * Lends the open line to a progress bar (on a terminal only), which starts
   * with the line's text; no status is drawn over it until `redraw`.
   */
  lendLine(): { stream: NodeJS.WriteStream; prefix: string } | false {
    if (!this.live || this.openText === '') return false;
    this.lent = true;
    return { stream: this.stream, prefix: this.openText };
  }

  /** The open line is back from a progress bar: show it again. */
  redraw(): void {
    if (!this.lent) return;
    this.lent = false;
    this.stream.write(`${ERASE_LINE}${this.openText}`);
  }

  private lineOpened(): void {
    this.openedAt = Date.now();
    this.statusText = '';
    open.add(this);
    if (this.live && !this.ticker) {
      this.ticker = setInterval(() => this.drawStatus(), 1000);
      this.ticker.unref();
    }
  }

  private lineClosed(): void {
    open.delete(this);
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private drawStatus(): void {
    if (this.lent) return;
    const seconds = Math.floor((Date.now() - this.openedAt) / 1000);
    if (seconds < 1 && !this.statusText) return;
    const room = (this.stream.columns || 80) - 1 - this.openText.replace(SGR_CODE, '').length;
    const extra = ` ${seconds} s${this.statusText ? `  ${this.statusText}` : ''}`.slice(0, Math.max(room, 0));
    this.stream.write(`${ERASE_LINE}${this.openText}${this.style.dim(extra)}`);
    this.statusShown = true;
  }

  private wipeStatus(): void {
    if (!this.statusShown) return;
    this.stream.write(`${ERASE_LINE}${this.openText}`);
    this.statusShown = false;
  }
}
