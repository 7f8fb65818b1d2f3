// Progress on stderr: a bar redrawn in place on a terminal, a plain line every few seconds
// otherwise (CI logs, pipes), so stdout carries only the verdict.
export class Progress {
  private last = 0;
  private nextLook = 1024; // as before: nothing for a log of fewer events
  private readonly tty = Boolean(process.stderr.isTTY);
  constructor(private readonly label: string, private total: number | null, private readonly quiet = false) {}

  setTotal(n: number) {
    this.total = n;
  }

  /** `done` so far; called per event or per batch, it looks at the clock every 1,024 events at most. */
  tick(done: number) {
    if (this.quiet || done < this.nextLook) return;
    this.nextLook = done + 1024;
    const now = Date.now();
    if (now - this.last < (this.tty ? 100 : 5000)) return;
    this.last = now;
    this.draw(done);
  }

  private draw(done: number) {
    const pct = this.total ? Math.min(1, done / this.total) : null;
    if (this.tty) {
      const width = 30;
      const bar = pct === null ? "" : `[${"#".repeat(Math.round(pct * width)).padEnd(width, ".")}] ${(pct * 100).toFixed(0)}% `;
      process.stderr.write(`\r${this.label} ${bar}${done.toLocaleString("en-US")} events`);
    } else {
      const of = this.total ? ` of ${this.total.toLocaleString("en-US")}` : "";
      process.stderr.write(`${this.label}: ${done.toLocaleString("en-US")}${of} events\n`);
    }
  }

  done(n: number) {
    if (this.quiet || this.last === 0) return;
    this.draw(n);
    if (this.tty) process.stderr.write("\n");
  }
}
