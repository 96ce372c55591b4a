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
