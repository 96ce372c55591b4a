/** One benchmark size: fresh warehouse, `promotor ingest` and `promotor build` as child processes
 * (timed, peak RSS of the process tree), warehouse size, then the incremental case. */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { dbtWorkDirs } from "../dbt/run.ts";
import { PromotorError } from "../lib/errors.ts";
import { runMeasured, type MeasuredRun } from "./process-tree.ts";
import { median } from "./stats.ts";

export interface StepFigures {
  elapsedMs: number;
  peakRssBytes: number;
}

export interface PipelineFigures {
  ingest: StepFigures;
  build: StepFigures;
  /** The same full build without the follow-up models (dbt tag follow_up), on a copy of the
   * same ingested warehouse: what building the cases adds (issue 21: at most 20 %). */
  buildWithoutCases?: StepFigures;
  /** Median of the per-run ratios build / build without cases. */
  casesRatio?: number;
  /** Ingesting the customer ledger made for the data set (promotor generate customers: four
   * exports six months apart) after the answers. */
  ingestCustomers?: StepFigures;
  /** The same full build without the value models (dbt tag customer_value): what linking the
   * answers to the ledger adds (issue 23: at most 25 %). */
  buildWithoutCustomers?: StepFigures;
  /** Median of the per-run ratios build / build without the value models. */
  customersRatio?: number;
  /** Ledger rows ingested (all exports). */
  ledgerRows?: number;
  warehouseBytes: number;
}

function warehouseBytes(path: string): number {
  return [path, `${path}.wal`].filter((f) => existsSync(f)).reduce((a, f) => a + statSync(f).size, 0);
}

/** Removes a warehouse and dbt's per-warehouse state, so a run starts from nothing. */
export function removeWarehouse(path: string): void {
  for (const f of [path, `${path}.wal`]) rmSync(f, { force: true });
  const { targetPath } = dbtWorkDirs(path);
  rmSync(dirname(targetPath), { recursive: true, force: true });
}

async function promotor(root: string, warehouse: string, args: string[], what: string): Promise<MeasuredRun> {
  const run = await runMeasured(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", warehouse, ...args], { cwd: root });
  if (run.exitCode !== 0) {
    throw new PromotorError(`${what} failed during the benchmark (exit ${run.exitCode}):\n${run.output.slice(-3000)}`, { hint: `run it by hand: promotor --warehouse ${warehouse} ${args.join(" ")}` });
  }
  return run;
}

const figures = (run: MeasuredRun): StepFigures => ({ elapsedMs: run.elapsedMs, peakRssBytes: run.peakRssBytes });

export function ingestStep(root: string, warehouse: string, files: readonly string[]): Promise<StepFigures> {
  return promotor(root, warehouse, ["ingest", ...files], "promotor ingest").then(figures);
}

export function buildStep(root: string, warehouse: string, args: readonly string[] = []): Promise<StepFigures> {
  return promotor(root, warehouse, ["build", ...args], "promotor build").then(figures);
}

/** The customer ledger of a data set (promotor generate customers on the ingested warehouse),
 * made once beside the data and reused: its files. */
async function ensureLedger(root: string, warehouse: string, dir: string, log: (line: string) => void): Promise<string[]> {
  const files = (): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => /^customers-.*\.csv$/.test(f)).sort().map((f) => join(dir, f)) : []);
  if (files().length > 0) return files();
  const run = await promotor(root, warehouse, ["generate", "customers", "--out", dir], "promotor generate customers");
  log(`  customer ledger generated in ${(run.elapsedMs / 1000).toFixed(1)} s (${dir})`);
  return files();
}

/** One full load into an empty warehouse: ingest the answers and, with `ledgerDir`, the customer
 * ledger; build; size (runBench repeats it, with medians). The same ingested warehouse is also
 * built without the follow-up models and without the value models (copies beside it, their dbt
 * state made afresh as the full load's is): what the cases and the customers add. */
export async function fullLoad(root: string, warehouse: string, files: readonly string[], log: (line: string) => void, ledgerDir?: string): Promise<PipelineFigures> {
  mkdirSync(dirname(warehouse), { recursive: true });
  removeWarehouse(warehouse);
  const ingest = await ingestStep(root, warehouse, files);
  log(`  ingest ${(ingest.elapsedMs / 1000).toFixed(1)} s`);
  let ingestCustomers: StepFigures | undefined;
  let ledgerRows: number | undefined;
  if (ledgerDir) {
    const ledger = await ensureLedger(root, warehouse, ledgerDir, log);
    const ingested = await promotor(root, warehouse, ["ingest", "--dataset", "customers", ...ledger], "promotor ingest --dataset customers").then(figures);
    ingestCustomers = ingested;
    ledgerRows = ledger.reduce((n, f) => n + readFileSync(f, "utf8").split("\n").length - 2, 0);
    log(`  ingest the customer ledger (${ledgerRows.toLocaleString("en-US")} rows, ${ledger.length} exports) ${(ingested.elapsedMs / 1000).toFixed(1)} s`);
  }
  const copy = `${warehouse.replace(/\.duckdb$/, "")}-without-cases.duckdb`;
  removeWarehouse(copy);
  copyWarehouseFiles(warehouse, copy);
  const copyCustomers = `${warehouse.replace(/\.duckdb$/, "")}-without-customers.duckdb`;
  if (ledgerDir) {
    removeWarehouse(copyCustomers);
    copyWarehouseFiles(warehouse, copyCustomers);
  }
  const build = await buildStep(root, warehouse);
  log(`  dbt build ${(build.elapsedMs / 1000).toFixed(1)} s`);
  const buildWithoutCases = await buildStep(root, copy, ["--exclude", "tag:follow_up"]);
  removeWarehouse(copy);
  log(`  dbt build without the follow-up models ${(buildWithoutCases.elapsedMs / 1000).toFixed(1)} s: the cases add ${(100 * (build.elapsedMs / buildWithoutCases.elapsedMs - 1)).toFixed(0)} %`);
  let buildWithoutCustomers: StepFigures | undefined;
  if (ledgerDir) {
    buildWithoutCustomers = await buildStep(root, copyCustomers, ["--exclude", "tag:customer_value"]);
    removeWarehouse(copyCustomers);
    log(`  dbt build without the value models ${(buildWithoutCustomers.elapsedMs / 1000).toFixed(1)} s: linking the answers to the customers adds ${(100 * (build.elapsedMs / buildWithoutCustomers.elapsedMs - 1)).toFixed(0)} %`);
  }
  return {
    ingest, build, buildWithoutCases, warehouseBytes: warehouseBytes(warehouse),
    ...(ingestCustomers ? { ingestCustomers } : {}), ...(buildWithoutCustomers ? { buildWithoutCustomers } : {}), ...(ledgerRows !== undefined ? { ledgerRows } : {}),
  };
}

/** Medians of each figure over runs (non-empty). */
export function medianPipeline(all: readonly PipelineFigures[]): PipelineFigures {
  const m = (f: (p: PipelineFigures) => number): number => median(all.map(f));
  return {
    ingest: { elapsedMs: m((p) => p.ingest.elapsedMs), peakRssBytes: m((p) => p.ingest.peakRssBytes) },
    build: { elapsedMs: m((p) => p.build.elapsedMs), peakRssBytes: m((p) => p.build.peakRssBytes) },
    ...(all.every((p) => p.buildWithoutCases)
      ? { buildWithoutCases: { elapsedMs: m((p) => p.buildWithoutCases!.elapsedMs), peakRssBytes: m((p) => p.buildWithoutCases!.peakRssBytes) }, casesRatio: m((p) => p.build.elapsedMs / p.buildWithoutCases!.elapsedMs) }
      : {}),
    ...(all.every((p) => p.buildWithoutCustomers)
      ? {
          buildWithoutCustomers: { elapsedMs: m((p) => p.buildWithoutCustomers!.elapsedMs), peakRssBytes: m((p) => p.buildWithoutCustomers!.peakRssBytes) },
          customersRatio: m((p) => p.build.elapsedMs / p.buildWithoutCustomers!.elapsedMs),
        }
      : {}),
    ...(all.every((p) => p.ingestCustomers && p.ledgerRows !== undefined)
      ? { ingestCustomers: { elapsedMs: m((p) => p.ingestCustomers!.elapsedMs), peakRssBytes: m((p) => p.ingestCustomers!.peakRssBytes) }, ledgerRows: all[0]!.ledgerRows! }
      : {}),
    warehouseBytes: m((p) => p.warehouseBytes),
  };
}

/** Copies a warehouse file and its WAL over `to` (whose file and WAL are removed first). */
function copyWarehouseFiles(from: string, to: string): void {
  for (const ext of ["", ".wal"]) {
    rmSync(to + ext, { force: true });
    if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
  }
}

/** New responses into the loaded warehouse, then an incremental `dbt build`; before that, the
 * same increment without the follow-up models and, with `withLedger`, without the value models:
 * what each adds to an incremental build. */
export async function incrementalLoad(root: string, warehouse: string, files: readonly string[], withLedger = false): Promise<PipelineFigures> {
  // Each "without" build runs at the same path (so dbt's state for it is the same), then the
  // warehouse file is put back as it was; last, the increment with every model.
  const backup = `${warehouse}.before-increment`;
  copyWarehouseFiles(warehouse, backup);
  const without = async (tag: string): Promise<StepFigures> => {
    await ingestStep(root, warehouse, files);
    const figures = await buildStep(root, warehouse, ["--exclude", tag]);
    copyWarehouseFiles(backup, warehouse);
    return figures;
  };
  const buildWithoutCases = await without("tag:follow_up");
  const buildWithoutCustomers = withLedger ? await without("tag:customer_value") : undefined;
  for (const ext of ["", ".wal"]) rmSync(backup + ext, { force: true });
  const ingest = await ingestStep(root, warehouse, files);
  const build = await buildStep(root, warehouse);
  return { ingest, build, buildWithoutCases, ...(buildWithoutCustomers ? { buildWithoutCustomers } : {}), warehouseBytes: warehouseBytes(warehouse) };
}
