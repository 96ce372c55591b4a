/** Ingest speed against plain DuckDB (issue 12): the same CSV files read by DuckDB's own
 * `read_csv` into a table of a fresh database file, in a child process like `promotor ingest`;
 * and the time to ingest an .xlsx workbook. */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { CANONICAL_COLUMNS } from "../survey/canonical.ts";
import { runMeasured } from "./process-tree.ts";
import { writeXlsx, type XlsxCell } from "./xlsx.ts";

export interface PlainReadFigures {
  elapsedMs: number;
  peakRssBytes: number;
  rows: number;
}

const PLAIN_READ = `
import { DuckDBInstance } from "@duckdb/node-api";
const [db, ...files] = process.argv.slice(1);
const instance = await DuckDBInstance.create(db);
const c = await instance.connect();
await c.run("CREATE TABLE t AS SELECT * FROM read_csv([" + files.map((f) => "'" + f.replaceAll("'", "''") + "'").join(", ") + "])");
const r = await c.runAndReadAll("SELECT count(*) FROM t");
console.log(String(r.getRows()[0][0]));
c.closeSync();
instance.closeSync();
`;

/** DuckDB's `CREATE TABLE t AS SELECT * FROM read_csv([...])` of the files, default settings. */
export async function plainRead(root: string, dir: string, files: readonly string[]): Promise<PlainReadFigures> {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, "plain-read.duckdb");
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  const run = await runMeasured(process.execPath, ["--input-type=module", "-e", PLAIN_READ, db, ...files], { cwd: root });
  for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  if (run.exitCode !== 0) throw new PromotorError(`plain DuckDB read_csv failed during the benchmark:\n${run.output.slice(-2000)}`, { hint: "check free disk space" });
  const rows = Number(run.output.trim().split("\n").at(-1));
  return { elapsedMs: run.elapsedMs, peakRssBytes: run.peakRssBytes, rows };
}

/** A deterministic workbook of `rows` canonical responses (answered_at as Excel date cells). */
export function writeBenchWorkbook(path: string, rows: number): number {
  mkdirSync(dirname(path), { recursive: true });
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const touchpoints = ["onboarding", "app", "call_centre", "claim", "complaint"];
  const data: XlsxCell[][] = [CANONICAL_COLUMNS.map((c) => c.name)];
  const start = Date.UTC(2025, 0, 1);
  for (let i = 0; i < rows; i++) {
    const touch = next(3) === 0;
    data.push(
      CANONICAL_COLUMNS.map((c): XlsxCell => {
        switch (c.name) {
          case "response_id":
            return `X${i}`;
          case "customer_id":
            return `C${next(5000)}`;
          case "answered_at":
            return new Date(start + next(600 * 86400) * 1000);
          case "survey_type":
            return touch ? "touchpoint" : "relationship";
          case "touchpoint":
            return touch ? touchpoints[next(touchpoints.length)]! : null;
          case "language":
            return next(4) === 0 ? "en" : "nl";
          case "recommend_reason":
            return next(3) === 0 ? "Snel en vriendelijk geholpen" : null;
          default:
            if (c.kind === "score") return c.scale!.min + next(c.scale!.max - c.scale!.min + 1);
            return `${c.name}_${next(4)}`;
        }
      }),
    );
  }
  writeXlsx(path, [{ name: "Sheet1", rows: data }]);
  return statSync(path).size;
}
