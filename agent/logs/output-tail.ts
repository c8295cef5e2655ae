/**
 * The last lines of a command's output, for an error message, and how many there were in
 * all: a message that shows 30 lines of 400 says so, and a deploy phase's failure adds
 * where the whole output is (`ctl logs`), since the agent stores every line of it.
 */
export class OutputTail {
  private readonly kept: string[] = [];
  private count = 0;

  constructor(private readonly limit: number) {}

  push(line: string): void {
    this.count++;
    this.kept.push(line);
    if (this.kept.length > this.limit) this.kept.shift();
  }

  get lines(): readonly string[] {
    return this.kept;
  }

  get total(): number {
    return this.count;
  }

  /** " (last 30 of 412 lines)" when lines were left out, else "": follows the heading of the lines in a message. */
  cutNote(): string {
    return this.count > this.kept.length ? ` (last ${this.kept.length} of ${this.count} lines)` : '';
  }
}

/** "(last 30 of 412 lines)" in a message becomes "(last 30 of 412 lines; `COMMAND` shows all)". */
export function pointToFullOutput(message: string, command: string): string {
  return message.replace(/\((last \d+ of \d+ lines)\)/g, `($1; \`${command}\` shows all)`);
}
