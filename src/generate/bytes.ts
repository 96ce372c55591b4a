/** Rows are written as UTF-8 bytes straight into a big buffer: building strings per row and
 * encoding them later costs more than the generation itself (rope flattening + a UTF-8 pass). */

const encoder = new TextEncoder();
export const encode = (text: string): Uint8Array => encoder.encode(text);

const DIGITS36 = encode("0123456789abcdefghijklmnopqrstuvwxyz");

export class ByteChunk {
  buf: Uint8Array;
  pos = 0;

  /** `capacity` must exceed the flush threshold by more than one line. */
  constructor(private readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  /** Hands out the bytes written so far and starts a fresh buffer (the old one now belongs to the stream). */
  take(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.capacity);
    this.pos = 0;
    return out;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Copies small pre-encoded pieces; a plain loop beats set() for a few bytes. */
  bytes(b: Uint8Array): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** Rare path (bad-row values): encodes a string. */
  text(s: string): void {
    this.pos += encoder.encodeInto(s, this.buf.subarray(this.pos)).written;
  }

  /** Repeats bytes [from, to) of this chunk at the end (an exact duplicate line). */
  repeat(from: number, to: number): void {
    this.buf.copyWithin(this.pos, from, to);
    this.pos += to - from;
  }

  /** `width` zero-padded decimal digits of a non-negative integer (more if it needs them). */
  decimal(value: number, width: number): void {
    let digits = 1;
    for (let v = value; v >= 10; v = Math.floor(v / 10)) digits++;
    const n = Math.max(width, digits);
    const buf = this.buf;
    let v = value;
    for (let i = this.pos + n - 1; i >= this.pos; i--) {
      const q = Math.floor(v / 10);
      buf[i] = 48 + v - q * 10;
      v = q;
    }
    this.pos += n;
  }

  /** Exactly `width` base-36 digits (lower case) of a non-negative integer below 36^width. */
  base36(value: number, width: number): void {
    const buf = this.buf;
    let v = value;
    for (let i = this.pos + width - 1; i >= this.pos; i--) {
      const q = Math.floor(v / 36);
      buf[i] = DIGITS36[v - q * 36]!;
      v = q;
    }
    this.pos += width;
  }

  /** Two decimal digits (00–99). */
  two(value: number): void {
    const q = Math.floor(value / 10);
    this.buf[this.pos++] = 48 + q;
    this.buf[this.pos++] = 48 + value - q * 10;
  }
}
