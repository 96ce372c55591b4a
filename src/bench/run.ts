/** `promotor bench`: data sets per size, the pipeline, the incremental case and the dashboard
 * queries; returns figures that report.ts turns into tables. */
import { join } from "node:path";
import { BENCH_SEED, ensureDataset, INCREMENT_SEED, type BenchFormat } from "./datasets.ts";
import { describeMachine, type MachineDescription } from "./machine.ts";
import { fullLoad, incrementalLoad, type PipelineFigures } from "./pipeline.ts";
import { measureQueries, type QueryMeasurement } from "./query-latency.ts";

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
  log: (line: string) => void;
}

export interface SizeResult {
  responses: number;
  inputFiles: number;
  inputBytes: number;
  full: PipelineFigures;
  incremental: (PipelineFigures & { responses: number }) | null;
  queries: QueryMeasurement[];
}

export interface BenchResult {
  date: string;
  command: string;
  machine: MachineDescription;
  format: BenchFormat;
  repeat: number;
  runs: number;
  sizes: SizeResult[];
}

export async function runBench(options: BenchOptions, command: string): Promise<BenchResult> {
  const machine = await describeMachine(options.root);
  const sizes: SizeResult[] = [];
  for (const responses of options.sizes) {
    options.log(`${responses.toLocaleString("en-US")} responses`);
    const data = await ensureDataset(options.root, { responses, format: options.format, seed: BENCH_SEED }, { dir: options.dir, log: options.log });
    const warehouse = join(options.dir, "warehouses", `${options.format}-${responses}.duckdb`);
    const full = await fullLoad(options.root, warehouse, data.files, options.runs, options.log);
    let queries: QueryMeasurement[] = [];
    if (options.queries) {
      options.log(`  dashboard queries (${options.repeat} runs each after a warm-up)`);
      queries = await measureQueries({ warehouse, repeat: options.repeat });
    }
    let incremental: SizeResult["incremental"] = null;
    if (options.increment > 0) {
      // A later month than the main data set, with other response ids (other seed): new answers.
      const more = await ensureDataset(
        options.root,
        { responses: options.increment, format: options.format, seed: INCREMENT_SEED, start: "2026-11-01", end: "2026-11-30" },
        { dir: options.dir, label: "increment", log: options.log },
      );
      const figures = await incrementalLoad(options.root, warehouse, more.files);
      options.log(`  +${options.increment.toLocaleString("en-US")}: ingest ${(figures.ingest.elapsedMs / 1000).toFixed(1)} s, dbt build ${(figures.build.elapsedMs / 1000).toFixed(1)} s`);
      incremental = { ...figures, responses: options.increment };
    }
    sizes.push({ responses, inputFiles: data.files.length, inputBytes: data.bytes, full, incremental, queries });
  }
  return { date: new Date().toISOString(), command, machine, format: options.format, repeat: options.repeat, runs: options.runs, sizes };
}
