import { createReadStream } from "node:fs";

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Maps data-record indexes (0-based, after `headerRecords` header records) to the physical
 * line where each record starts. Quote-aware, so a "why" answer with a line break inside
 * quotes still gives the line a person sees in an editor. Streams: memory stays flat.
 */
export async function recordStartLines(path: string, headerRecords: number, wanted: readonly number[]): Promise<Map<number, number>> {
  const result = new Map<number, number>();
  if (wanted.length === 0) return result;
  const sorted = [...new Set(wanted)].sort((a, b) => a - b);
  let next = 0; // index into sorted
  let line = 1;
  let record = -headerRecords; // data record index of the record being read
  let inQuote = false;
  let atRecordStart = true;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      if (atRecordStart) {
        atRecordStart = false;
        while (next < sorted.length && sorted[next]! < record) next++;
        if (next < sorted.length && sorted[next] === record) {
          result.set(record, line);
          next++;
          if (next >= sorted.length) return result;
        }
      }
      const byte = chunk[i]!;
      if (byte === QUOTE) inQuote = !inQuote;
      else if (byte === NEWLINE) {
        line++;
        if (!inQuote) {
          record++;
          atRecordStart = true;
        }
      }
    }
  }
  return result;
}

export interface UnclosedQuote {
  /** Physical line (1-based) where the quoted field starts. */
  line: number;
  /** Field number on its record (1-based). */
  field: number;
  /** Character position on the line (1-based). */
  column: number;
  /** Set when the quote is closed further on but followed by more text (line where that happens):
   * the value ran on past where it should have ended. */
  runsOnTo?: number;
}

/**
 * Finds a quoted field that is never closed (or closed only further on, followed by text): DuckDB's reader then fails on the whole file
 * ("Error when sniffing file") without naming a line. Streams the file once, quote-aware.
 */
export async function findUnclosedQuote(path: string, delimiter: string): Promise<UnclosedQuote | null> {
  const delim = delimiter.charCodeAt(0);
  let line = 1;
  let column = 0;
  let field = 1;
  let inQuote = false;
  let atFieldStart = true;
  let open: UnclosedQuote | null = null;
  let pendingQuote = false; // a quote inside a quoted field: closes it, or escapes the next one
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      // Count characters, not UTF-8 continuation bytes.
      if ((byte & 0xc0) !== 0x80) column++;
      if (inQuote) {
        if (pendingQuote) {
          pendingQuote = false;
          if (byte === QUOTE) continue; // "" inside quotes
          inQuote = false; // the previous quote closed the field; handle this byte unquoted
          // Text right after a closing quote: the quote that opened this value was not meant to
          // (a stray or undoubled quote), so the value swallowed what followed.
          if (byte !== delim && byte !== NEWLINE && byte !== 0x0d && open) return { ...open, runsOnTo: line };
        } else {
          if (byte === QUOTE) pendingQuote = true;
          else if (byte === NEWLINE) {
            line++;
            column = 0;
          }
          continue;
        }
      }
      if (byte === QUOTE && atFieldStart) {
        inQuote = true;
        open = { line, field, column };
        atFieldStart = false;
      } else if (byte === delim) {
        field++;
        atFieldStart = true;
      } else if (byte === NEWLINE) {
        line++;
        column = 0;
        field = 1;
        atFieldStart = true;
      } else if (byte !== 0x0d) atFieldStart = false;
    }
  }
  return inQuote && !pendingQuote ? open : null;
}
