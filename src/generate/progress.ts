/** Progress on stderr: a redrawn bar on a terminal, otherwise a line every 10 %. */

import type { Writable } from "node:stream";
import { formatDuration, formatInteger } from "../lib/format.ts";

export class Progress {
  private readonly started = performance.now();
  private lastDraw = 0;
  private nextDecile = 1;

  constructor(private readonly total: number, private readonly out: Writable | null, private readonly tty: boolean) {}

  update(done: number): void {
    if (!this.out || this.total === 0) return;
    const now = performance.now();
    if (this.tty) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const bar = "█".repeat(Math.round((done / this.total) * 30)).padEnd(30, "░");
      this.out.write(`\r${bar} ${this.describe(done, now)}\x1b[K`);
    } else {
      // One line per update at most, however many tenths it crossed.
      const decile = Math.floor((done * 10) / this.total);
      if (decile >= this.nextDecile) {
        this.nextDecile = decile + 1;
        this.out.write(`generate: ${this.describe(done, now)}\n`);
      }
    }
  }

  finish(): void {
    if (this.out && this.tty && this.total > 0) this.out.write("\n");
  }

  private describe(done: number, now: number): string {
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 ? ((this.total - done) / rate) * 1000 : 0;
    const pct = ((100 * done) / this.total).toFixed(0).padStart(3);
    return `${formatInteger(done)} / ${formatInteger(this.total)} rows ${pct} %  ${formatInteger(Math.round(rate))} rows/s  ETA ${formatDuration(eta)}`;
  }
}
