/** Time for generated rows: row i of n lands at position (i + u) / n of the period, so files
 * come out in time order; within a day the position is warped through a daily response
 * curve (few answers at night). Timestamps are formatted from lookup tables (no Date per row). */

import { encode, type ByteChunk } from "./bytes.ts";

const DAY = 86_400;
/** Relative number of answers per hour of day (Dutch survey traffic). */
const HOUR_WEIGHTS = [0.3, 0.15, 0.1, 0.08, 0.1, 0.2, 0.6, 1.5, 3, 4.5, 5, 5, 5, 5, 5, 5, 4.8, 4.5, 4, 4.5, 5, 4.5, 3, 1.2];
const WARP_STEPS = 8192;

const TWO_DIGITS: readonly string[] = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, "0"));

export class Clock {
  /** Whole days in [start, end]. */
  readonly days: number;
  private readonly startMs: number;
  /** "YYYY-MM-DD" for day index d at [d + 1] (d from -1 to days + 1). */
  private readonly dates: string[] = [];
  private readonly dateBytes: Uint8Array[] = [];
  private readonly months: Uint8Array;
  private readonly warp: Float64Array;
  /** Summer-time intervals [from, to) in seconds since start (Europe/Amsterdam, UTC+2). */
  private readonly summer: number[] = [];

  constructor(start: string, end: string) {
    this.startMs = parseDay(start, "--start");
    const endMs = parseDay(end, "--end");
    if (endMs < this.startMs) throw new RangeError(`--end ${end} is before --start ${start}`);
    this.days = Math.round((endMs - this.startMs) / 86_400_000) + 1;
    this.months = new Uint8Array(this.days + 3);
    for (let d = -1; d <= this.days + 1; d++) {
      const date = new Date(this.startMs + d * 86_400_000);
      this.dates.push(date.toISOString().slice(0, 10));
      this.dateBytes.push(encode(date.toISOString().slice(0, 10)));
      this.months[d + 1] = date.getUTCMonth();
    }
    this.warp = buildWarp();
    const first = new Date(this.startMs).getUTCFullYear() - 1;
    const last = new Date(endMs).getUTCFullYear() + 1;
    for (let y = first; y <= last; y++) {
      this.summer.push((lastSundayUtc(y, 2) + 3_600_000 - this.startMs) / 1000, (lastSundayUtc(y, 9) + 3_600_000 - this.startMs) / 1000);
    }
  }

  /** Seconds since start (UTC midnight) for the position x in [0, 1) of the period. */
  secondsAt(x: number): number {
    const dayPos = x * this.days;
    const day = Math.floor(dayPos);
    const f = (dayPos - day) * WARP_STEPS;
    const j = Math.floor(f);
    const w = this.warp[j]! + (this.warp[j + 1]! - this.warp[j]!) * (f - j);
    return day * DAY + Math.floor(w);
  }

  /** Month of year (0–11) at t seconds since start. */
  monthAt(t: number): number {
    return this.months[Math.floor(t / DAY) + 1]!;
  }

  /** "YYYY-MM-DD<sep>HH:MM:SS" of t seconds since start, in UTC. */
  format(t: number, sep: string): string {
    const day = Math.floor(t / DAY);
    let s = t - day * DAY;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    return this.dates[day + 1]! + sep + TWO_DIGITS[h]! + ":" + TWO_DIGITS[m]! + ":" + TWO_DIGITS[s - m * 60]!;
  }

  /** The same as bytes: "YYYY-MM-DD" + sep + "HH:MM:SS". */
  write(out: ByteChunk, t: number, sep: number): void {
    const day = Math.floor(t / DAY);
    let s = t - day * DAY;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    out.bytes(this.dateBytes[day + 1]!);
    out.byte(sep);
    out.two(h);
    out.byte(58);
    out.two(m);
    out.byte(58);
    out.two(s - m * 60);
  }

  /** Seconds to add to UTC for wall-clock time in Europe/Amsterdam (CET/CEST). */
  amsterdamOffset(t: number): number {
    for (let i = 0; i < this.summer.length; i += 2) {
      if (t >= this.summer[i]! && t < this.summer[i + 1]!) return 7200;
    }
    return 3600;
  }

  /** Wall-clock time in Europe/Amsterdam, "YYYY-MM-DD HH:MM:SS". */
  formatAmsterdam(t: number): string {
    return this.format(t + this.amsterdamOffset(t), " ");
  }
}

/** Parses YYYY-MM-DD (a real calendar date) to UTC milliseconds. */
export function parseDay(text: string, option: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new RangeError(`${option} must be a date YYYY-MM-DD, got "${text}"`);
  }
  return ms;
}

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay());
}

/** Inverse of the daily response curve: fraction of the day's answers -> seconds of day. */
function buildWarp(): Float64Array {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);
  const warp = new Float64Array(WARP_STEPS + 1);
  let hour = 0;
  let below = 0; // cumulative weight before `hour`
  for (let j = 0; j <= WARP_STEPS; j++) {
    const target = (j / WARP_STEPS) * total;
    while (hour < 23 && below + HOUR_WEIGHTS[hour]! <= target) below += HOUR_WEIGHTS[hour++]!;
    const within = Math.min(1, (target - below) / HOUR_WEIGHTS[hour]!);
    warp[j] = Math.min(DAY - 1, (hour + within) * 3600);
  }
  return warp;
}
