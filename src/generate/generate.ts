/** `promotor generate`: deterministic synthetic survey exports, streamed to disk in chunks. */

import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { BAD_VALUES, badRowAfter, TYPED_BAD_ROW_KINDS, type BadRowKind, type BadRowRecord } from "./bad-rows.ts";
import { ByteChunk } from "./bytes.ts";
import { Clock } from "./clock.ts";
import { makeFormat, type FormatName } from "./formats.ts";
import { ParquetConverter } from "./parquet.ts";
import { Sfc32 } from "./prng.ts";
import { emptyRow, ResponseModel, type SurveyMix } from "./response.ts";
import { FileSink } from "./sink.ts";

export interface GenerateOptions {
  /** Good responses to generate (bad rows come on top). */
  responses: number;
  out: string;
  seed: number;
  format: FormatName;
  files: number;
  /** YYYY-MM-DD, inclusive. */
  start: string;
  end: string;
  /** Number of bad rows (already resolved from a rate) and the kinds to cycle through. */
  badRows: number;
  badKinds: readonly BadRowKind[];
  mix: SurveyMix;
  /** Touchpoint codes to draw from; empty = all. */
  touchpoints: readonly string[];
  /** Base file name: `<name>.<ext>` for one file, `<name>-0001.<ext>` ... for several. */
  name: string;
  /** Size of the customer population (customer_id C0000001 ...). */
  customers: number;
}

export interface GeneratedFile {
  path: string;
  /** Data records in the file (good + bad). */
  rows: number;
  badRows: number;
  bytes: number;
}

export interface GenerateSummary {
  files: GeneratedFile[];
  rows: number;
  badRows: BadRowRecord[];
  bytes: number;
  seconds: number;
}

/** Bytes per write; the buffer has room for one more line of any length we generate. */
const FLUSH_AT = 2 << 20;
const CHUNK_CAPACITY = FLUSH_AT + (256 << 10);

export function fileNames(name: string, files: number, extension: string): string[] {
  if (files === 1) return [name + extension];
  return Array.from({ length: files }, (_, f) => `${name}-${String(f + 1).padStart(4, "0")}${extension}`);
}

export async function generate(options: GenerateOptions, onProgress: (done: number, total: number) => void = () => {}): Promise<GenerateSummary> {
  const started = performance.now();
  const { responses: n, files: k, badRows: badCount } = options;
  const clock = new Clock(options.start, options.end);
  const model = new ResponseModel(clock, { seed: options.seed, customers: options.customers, mix: options.mix, touchpoints: options.touchpoints });
  const format = makeFormat(options.format, clock, model.phrases, model.idPrefix);
  // Good rows and bad rows draw from separate streams: adding bad rows leaves the good ones as they were.
  const rng = new Sfc32(options.seed, 1);
  const badRng = new Sfc32(options.seed, 2);
  const row = emptyRow();
  const total = n + badCount;
  const kindUses = new Map<BadRowKind, number>();
  const badRecords: BadRowRecord[] = [];
  const generated: GeneratedFile[] = [];
  mkdirSync(options.out, { recursive: true });
  const names = fileNames(options.name, k, format.extension);
  if (options.format === "parquet" && badCount > 0) {
    const untyped = options.badKinds.filter((kind) => !TYPED_BAD_ROW_KINDS.includes(kind));
    if (untyped.length > 0) throw new RangeError(`parquet columns are typed and cannot hold bad rows of kind ${untyped.join(", ")} (use --bad-kinds ${TYPED_BAD_ROW_KINDS.join(",")})`);
  }
  const parquet = options.format === "parquet" ? await ParquetConverter.open() : null;

  let done = 0;
  let b = 0;
  let nextBadAfter = badCount > 0 ? badRowAfter(0, badCount, n) : -1;
  try {
    for (let f = 0; f < k; f++) {
      const path = join(options.out, names[f]!);
      const target = parquet ? join(options.out, `.${names[f]}.tmp.csv`) : path;
      const sink = new FileSink(target);
      await sink.write(format.header);
      let line = format.headerLines;
      let fileBad = 0;
      const chunk = new ByteChunk(CHUNK_CAPACITY);
      let chunkRows = 0;
      const hi = Math.floor(((f + 1) * n) / k);
      for (let i = Math.floor((f * n) / k); i < hi; i++) {
        const x = (i + rng.float()) / n;
        model.fill(rng, row, i, x);
        const lineStart = chunk.pos;
        format.write(row, chunk);
        const lineEnd = chunk.pos;
        line++;
        chunkRows++;
        while (i === nextBadAfter) {
          const kind = options.badKinds[b % options.badKinds.length]!;
          const use = kindUses.get(kind) ?? 0;
          kindUses.set(kind, use + 1);
          const values = BAD_VALUES[kind];
          const value = values ? values[use % values.length]! : "";
          let recorded = value;
          if (kind === "exact_duplicate") {
            chunk.repeat(lineStart, lineEnd);
          } else if (kind === "conflicting_duplicate") {
            // `row` still holds the good row: same id, another valid score.
            const before = row.recommend;
            row.recommend = (before + 3 + badRng.int(5)) % 11;
            recorded = `${before} -> ${row.recommend}`;
            format.write(row, chunk);
          } else {
            model.fill(badRng, row, n + b, x);
            if (kind === "missing_id") row.idText = "";
            else if (kind === "bad_timestamp") row.timeText = value;
            else row.scoreText = value;
            format.write(row, chunk);
          }
          line++;
          chunkRows++;
          fileBad++;
          badRecords.push({ kind, file: names[f]!, line: parquet ? line - format.headerLines : line, responseId: row.idText ?? model.responseId(row.index), value: recorded });
          b++;
          nextBadAfter = b < badCount ? badRowAfter(b, badCount, n) : -1;
        }
        if (chunk.pos >= FLUSH_AT) {
          await sink.write(chunk.take());
          done += chunkRows;
          chunkRows = 0;
          onProgress(done, total);
        }
      }
      await sink.write(chunk.take());
      done += chunkRows;
      await sink.close();
      onProgress(done, total);
      if (parquet) {
        try {
          await parquet.convert(target, path);
        } finally {
          rmSync(target, { force: true });
        }
      }
      generated.push({ path, rows: line - format.headerLines, badRows: fileBad, bytes: parquet ? statSync(path).size : sink.bytes });
    }
  } finally {
    parquet?.close();
  }
  return {
    files: generated,
    rows: done,
    badRows: badRecords,
    bytes: generated.reduce((s, g) => s + g.bytes, 0),
    seconds: (performance.now() - started) / 1000,
  };
}
