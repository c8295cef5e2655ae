/**
 * One line per fleet step with a count, "Building on 12 hosts... 12/12": on a
 * terminal the count moves as hosts finish; piped, only the final count is written.
 */
export class FleetProgress {
  private total = 0;
  private done = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly live = Boolean(process.stderr.isTTY && process.stdout.isTTY),
  ) {}

  start(label: string, total: number): void {
    this.total = total;
    this.done = 0;
    this.write(`${label}...${this.live ? this.counter() : ''}`);
  }

  /** Called as each host finishes (bound, so it can be passed around). */
  readonly count = (done: number): void => {
    if (this.live) this.write('\b'.repeat(this.counter().length));
    this.done = done;
    if (this.live) this.write(this.counter());
  };

  end(): void {
    this.write(`${this.live ? '' : this.counter()}\n`);
  }

  private counter(): string {
    return `${this.done}/${this.total}`;
  }
}
