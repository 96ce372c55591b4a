import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** A CSV export cut at record boundaries into parts that DuckDB can read side by side. */
export interface CsvParts {
  sha256: string;
  /** The part files, each starting with the export's header line. */
  files: string[];
  /** Records (lines outside quotes, after the header) in each part. */
  records: number[];
  cleanup(): void;
}

/**
 * One pass over a CSV export: its SHA-256 and, cut at the first record boundary (a line break
 * outside quotes) after each 1/parts of its bytes, copies of its records in `parts` files, each
 * with the header line. Why: Promotor numbers every record (its source row), and DuckDB numbers
 * rows in file order only in a single-threaded scan (`row_number() OVER ()`); one numbered scan
 * per part, read side by side, uses every core. Quote parity decides what a record boundary is,
 * as RFC 4180 does: a doubled quote inside a quoted value flips it twice.
 */
export function splitCsv(path: string, size: number, parts: number, dir: string): CsvParts {
  mkdirSync(dir, { recursive: true });
  const hash = createHash("sha256");
  const files: string[] = [];
  const records: number[] = [];
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafe(4 << 20);
  let out = -1;
  let header: Buffer | null = null;
  let headerParts: Buffer[] = [];
  let inQuote = false;
  let offset = 0; // file offset of buffer[0]
  let lastByte = NEWLINE;
  const targets = Array.from({ length: parts - 1 }, (_, k) => Math.floor(((k + 1) * size) / parts));
  const open = (): void => {
    const file = join(dir, `part-${files.length}.csv`);
    out = openSync(file, "w");
    files.push(file);
    records.push(0);
    if (files.length > 1 && header) writeSync(out, header);
  };
  try {
    open();
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      const chunk = buffer.subarray(0, n);
      hash.update(chunk);
      let written = 0; // bytes of chunk already written to a part
      let i = 0;
      while (i < n) {
        // Runs of bytes without quotes keep the parity; inside quotes only the next quote matters.
        if (inQuote) {
          const q = chunk.indexOf(QUOTE, i);
          if (q === -1) break;
          inQuote = false;
          i = q + 1;
          continue;
        }
        const q = chunk.indexOf(QUOTE, i);
        const end = q === -1 ? n : q;
        let nl = chunk.indexOf(NEWLINE, i);
        while (nl !== -1 && nl < end) {
          if (header === null) {
            headerParts.push(Buffer.from(chunk.subarray(0, nl + 1)));
            header = Buffer.concat(headerParts).subarray(0);
            if (header[0] === 0xef && header[1] === 0xbb && header[2] === 0xbf) header = header.subarray(3); // BOM stays in part 0 only
            headerParts = [];
          } else {
            records[records.length - 1]!++;
            if (targets.length > 0 && offset + nl >= targets[0]!) {
              writeSync(out, chunk, written, nl + 1 - written);
              written = nl + 1;
              closeSync(out);
              targets.shift();
              open();
            }
          }
          nl = chunk.indexOf(NEWLINE, nl + 1);
        }
        if (q === -1) break;
        inQuote = true;
        i = q + 1;
      }
      if (header === null) headerParts.push(Buffer.from(chunk));
      if (written < n) writeSync(out, chunk, written, n - written);
      lastByte = chunk[n - 1]!;
      offset += n;
    }
    // A last record without a line break.
    if (lastByte !== NEWLINE && header !== null) records[records.length - 1]!++;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  } finally {
    closeSync(fd);
    if (out !== -1) closeSync(out);
  }
  return { sha256: hash.digest("hex"), files, records, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
