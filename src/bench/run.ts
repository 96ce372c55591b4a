/** `promotor bench`: data sets per size, the pipeline, the incremental case and the dashboard
 * queries; returns figures that report.ts turns into tables. */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { BENCH_SEED, benchCustomers, ensureDataset, INCREMENT_SEED, type BenchFormat } from "./datasets.ts";
import { describeMachine, type MachineDescription } from "./machine.ts";
import { plainRead, writeBenchWorkbook, type PlainReadFigures } from "./ingest-ratio.ts";
import { fullLoad, incrementalLoad, ingestStep, medianPipeline, removeWarehouse, type PipelineFigures } from "./pipeline.ts";
import { median } from "./stats.ts";
import { measurePagesBuild, type PagesBench } from "./pages.ts";
import { measureContacts, type ContactsBench } from "./contacts.ts";
import { measureQueries, type QueryMeasurement } from "./query-latency.ts";
import { measureTrinoSize, type TrinoSizeFigures } from "./trino.ts";
import type { TrinoSettings } from "../engine/settings.ts";

export interface BenchOptions {
  root: string;
  /** Where data sets and warehouses live (default <root>/.promotor/bench, git-ignored). */
  dir: string;
  sizes: readonly number[];
  format: BenchFormat;
  /** Timed runs per dashboard query after the warm-up. */
  repeat: number;
  /** Full loads per size (medians). */
  runs: number;
  /** New responses for the incremental case; 0 skips it. */
  increment: number;
  queries: boolean;
  /** Rows of the .xlsx ingest measurement; 0 skips it. */
  xlsxRows?: number;
  /** Time the dashboards' Evidence build on the sample data (default true). */
  pages?: boolean;
  /** Ingest a customer ledger for each size and measure what the value models add (default true). */
  customers?: boolean;
  /** Time promotor contacts eligible over 1M customers and 20M invitations (default true). */
  contacts?: boolean;
  /** Also run each size on this Trino (promotor --engine trino bench), beside DuckDB's figures. */
  trino?: TrinoSettings;
  log: (line: string) => void;
}

export interface SizeResult {
  responses: number;
  inputFiles: number;
  inputBytes: number;
  full: PipelineFigures;
  incremental: (PipelineFigures & { responses: number }) | null;
  queries: QueryMeasurement[];
  /** DuckDB's own read_csv of the same files into a table (CSV input only). */
  plainRead: PlainReadFigures | null;
  /** Ingest time / plain read time. */
  ingestRatio: number | null;
  /** The same data on Trino (with --engine trino). */
  trino?: TrinoSizeFigures | null;
}

export interface XlsxFigures {
  rows: number;
  bytes: number;
  elapsedMs: number;
  peakRssBytes: number;
}

export interface BenchResult {
  date: string;
  command: string;
  machine: MachineDescription;
  format: BenchFormat;
  repeat: number;
  runs: number;
  sizes: SizeResult[];
  xlsx?: XlsxFigures | null;
  /** Evidence sources + build:strict on the sample data. */
  pages?: PagesBench | null;
  /** promotor contacts eligible over 1M customers and 20M invitations (issue 24). */
  contacts?: ContactsBench | null;
}

export async function runBench(options: BenchOptions, command: string): Promise<BenchResult> {
  const machine = await describeMachine(options.root);
  const sizes: SizeResult[] = [];
  for (const responses of options.sizes) {
    options.log(`${responses.toLocaleString("en-US")} responses`);
    const data = await ensureDataset(options.root, { responses, format: options.format, seed: BENCH_SEED, customers: benchCustomers(responses) }, { dir: options.dir, log: options.log });
    const warehouse = join(options.dir, "warehouses", `${options.format}-${responses}.duckdb`);
    // A later month than the main data set, with other response ids (other seed): new answers.
    const more =
      options.increment > 0
        ? await ensureDataset(
            options.root,
            // The increment's answers come from the main set's customers: returning customers.
            { responses: options.increment, format: options.format, seed: INCREMENT_SEED, customers: benchCustomers(responses), start: "2026-11-01", end: "2026-11-30" },
            { dir: options.dir, label: "increment", log: options.log },
          )
        : null;
    // Each run: full load, DuckDB's plain read of the same files right after it, then the
    // increment on that warehouse. Medians over the runs; the ingest ratio is the median of the
    // per-run ratios, so that a slower or faster stretch of the machine meets both sides alike.
    const fulls: PipelineFigures[] = [];
    const plains: PlainReadFigures[] = [];
    const increments: PipelineFigures[] = [];
    let queries: QueryMeasurement[] = [];
    let trino: TrinoSizeFigures | null = null;
    for (let run = 0; run < options.runs; run++) {
      if (options.runs > 1) options.log(`  run ${run + 1} of ${options.runs}`);
      // The customer ledger of this data set, made once beside it (issue 23's figure).
      const full = await fullLoad(options.root, warehouse, data.files, options.log, options.customers === false ? undefined : `${data.dir}-customers`);
      fulls.push(full);
      if (options.format === "csv") {
        const plain = await plainRead(options.root, join(options.dir, "warehouses"), data.files);
        plains.push(plain);
        options.log(`  plain DuckDB read_csv into a table ${(plain.elapsedMs / 1000).toFixed(1)} s: ingest takes ${(full.ingest.elapsedMs / plain.elapsedMs).toFixed(2)} ×`);
      }
      // The queries run once, on the last run's warehouse before its increment.
      if (options.queries && run === options.runs - 1) {
        options.log(`  dashboard queries (${options.repeat} runs each after a warm-up)`);
        queries = await measureQueries({ warehouse, repeat: options.repeat });
      }
      // Trino, once, on the same files, before DuckDB's increment: its answers are compared with
      // this warehouse's.
      if (options.trino && run === options.runs - 1) {
        trino = await measureTrinoSize({
          root: options.root,
          dir: options.dir,
          trino: options.trino,
          responses,
          files: data.files,
          ledgerFiles: options.customers === false ? [] : ledgerFiles(`${data.dir}-customers`),
          moreFiles: more ? more.files : null,
          increment: options.increment,
          duckdbWarehouse: warehouse,
          repeat: options.repeat,
          log: options.log,
        });
      }
      if (more) {
        const figures = await incrementalLoad(options.root, warehouse, more.files, options.customers !== false);
        const withoutCustomers = figures.buildWithoutCustomers ? `, without the value models ${(figures.buildWithoutCustomers.elapsedMs / 1000).toFixed(1)} s` : "";
        options.log(`  +${options.increment.toLocaleString("en-US")}: ingest ${(figures.ingest.elapsedMs / 1000).toFixed(1)} s, dbt build ${(figures.build.elapsedMs / 1000).toFixed(1)} s (without the follow-up models ${((figures.buildWithoutCases?.elapsedMs ?? 0) / 1000).toFixed(1)} s${withoutCustomers})`);
        increments.push(figures);
      }
    }
    const full = medianPipeline(fulls);
    const plain: PlainReadFigures | null = plains.length > 0 ? { elapsedMs: median(plains.map((p) => p.elapsedMs)), peakRssBytes: median(plains.map((p) => p.peakRssBytes)), rows: plains[0]!.rows } : null;
    const ingestRatio = plains.length > 0 ? median(fulls.map((f, i) => f.ingest.elapsedMs / plains[i]!.elapsedMs)) : null;
    const incremental: SizeResult["incremental"] = more ? { ...medianPipeline(increments), responses: options.increment } : null;
    sizes.push({ responses, inputFiles: data.files.length, inputBytes: data.bytes, full, incremental, queries, plainRead: plain, ingestRatio, ...(options.trino ? { trino } : {}) });
  }
  let xlsx: XlsxFigures | null = null;
  const xlsxRows = options.xlsxRows ?? Math.min(100_000, Math.max(0, ...options.sizes));
  if (xlsxRows > 0) {
    const book = join(options.dir, "data", `responses-xlsx-${xlsxRows}.xlsx`);
    const bytes = writeBenchWorkbook(book, xlsxRows);
    const warehouse = join(options.dir, "warehouses", `xlsx-${xlsxRows}.duckdb`);
    removeWarehouse(warehouse);
    const run = await ingestStep(options.root, warehouse, [book]);
    removeWarehouse(warehouse);
    xlsx = { rows: xlsxRows, bytes, elapsedMs: run.elapsedMs, peakRssBytes: run.peakRssBytes };
    options.log(`.xlsx of ${xlsxRows.toLocaleString("en-US")} rows: ingest ${(run.elapsedMs / 1000).toFixed(1)} s`);
  }
  let pages: PagesBench | null = null;
  if (options.pages ?? true) {
    options.log("dashboards (sample data)");
    pages = await measurePagesBuild(options.root, options.dir, options.log);
    if ("skipped" in pages) options.log(`  dashboards skipped: ${pages.skipped}`);
  }
  let contacts: ContactsBench | null = null;
  if (options.contacts ?? true) {
    options.log("contact rules (1M customers, 20M invitations)");
    contacts = await measureContacts(options.root, options.dir, options.log);
  }
  return { date: new Date().toISOString(), command, machine, format: options.format, repeat: options.repeat, runs: options.runs, sizes, xlsx, pages, contacts };
}

/** The customer ledger files made beside a data set (src/bench/pipeline.ts), if any. */
function ledgerFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^customers-.*\.csv$/.test(f)).sort().map((f) => join(dir, f)) : [];
}
