import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** Where a CSV export can be read in parts: each part starts on a record boundary. */
export interface CsvCuts {
  sha256: string;
  /** Per part: the CSV rows before it, header included (what DuckDB's quote-aware `skip`
   * counts), and the records in it. Part 0 is read from the start, header and all (skipRows 0). */
  parts: { skipRows: number; records: number }[];
}

/**
 * One pass over a CSV export: its SHA-256, and the first record boundary (a line break outside
 * quotes) after each 1/parts of its bytes. Why: Promotor numbers every record (its source row),
 * and DuckDB numbers rows in file order only in a single-threaded scan (`row_number() OVER ()`);
 * one numbered scan per part, side by side, uses every core. Quote parity decides what a record
 * boundary is, as in RFC 4180: a doubled quote inside a quoted value flips it twice.
 */
export function findCuts(path: string, size: number, parts: number): CsvCuts {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafe(4 << 20);
  const targets = Array.from({ length: parts - 1 }, (_, k) => Math.floor(((k + 1) * size) / parts));
  const out: { skipRows: number; records: number }[] = [{ skipRows: 0, records: 0 }];
  let inQuote = false;
  let headerDone = false;
  let rows = 0; // CSV rows (header included) so far
  let offset = 0; // file offset of buffer[0]
  let lastByte = NEWLINE;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      let i = 0;
      while (i < n) {
        const q = chunk.indexOf(QUOTE, i);
        const end = q === -1 ? n : q;
        if (!inQuote) {
          for (let nl = chunk.indexOf(NEWLINE, i); nl !== -1 && nl < end; nl = chunk.indexOf(NEWLINE, nl + 1)) {
            rows++;
            if (!headerDone) headerDone = true;
            else {
              out[out.length - 1]!.records++;
              if (targets.length > 0 && offset + nl >= targets[0]!) {
                targets.shift();
                if (offset + nl + 1 < size) out.push({ skipRows: rows, records: 0 });
              }
            }
          }
        }
        if (q === -1) break;
        inQuote = !inQuote;
        i = q + 1;
      }
      lastByte = chunk[n - 1]!;
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
  // A last record without a line break.
  if (lastByte !== NEWLINE && headerDone) out[out.length - 1]!.records++;
  return { sha256: hash.digest("hex"), parts: out };
}
