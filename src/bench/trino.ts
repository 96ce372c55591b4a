/** `promotor --engine trino bench` (issue 25, point 6): the same data set through Trino beside
 * DuckDB's figures in one run: ingest (validated by DuckDB into the journal, published to
 * Iceberg), build (the whole dbt project on Trino), the increment, and every bench question
 * through the semantic layer with and without rollups, each answer compared with DuckDB's.
 *
 * Timed as whole `promotor` processes like DuckDB's steps. The peak memory is the Promotor
 * process tree's (dbt included); the Trino server's own memory is its JVM's, outside that tree. */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { TrinoSettings } from "../engine/settings.ts";
import { compareLoads } from "../engine/query-parity.ts";
import { PromotorError } from "../lib/errors.ts";
import { createSemanticLayer } from "../semantic/index.ts";
import { trinoQuery } from "../trino/client.ts";
import { runMeasured } from "./process-tree.ts";
import { BENCH_QUERIES } from "./queries.ts";
import { median } from "./stats.ts";
import type { StepFigures } from "./pipeline.ts";

export interface TrinoQueryFigures {
  id: string;
  /** The rollup that served it on Trino, or null. */
  preAggregation: string | null;
  /** First call: compiling and building (or finding) the rollup. */
  firstMs: number;
  /** Medians over the timed runs. */
  rollupMs: number;
  noRollupMs: number;
  /** Trino's answers (with and without rollups) equal DuckDB's. */
  equal: boolean;
  differences: string[];
}

export interface TrinoSizeFigures {
  schema: string;
  ingest: StepFigures;
  ingestCustomers: StepFigures | null;
  build: StepFigures;
  incremental: { ingest: StepFigures; build: StepFigures; responses: number } | null;
  queries: TrinoQueryFigures[];
}

export interface TrinoBenchOptions {
  root: string;
  dir: string;
  trino: TrinoSettings;
  responses: number;
  files: readonly string[];
  /** The customer ledger's exports (ingested after the answers, as DuckDB's run does). */
  ledgerFiles: readonly string[];
  moreFiles: readonly string[] | null;
  increment: number;
  /** The DuckDB warehouse of the same data (before its increment): the answers to compare. */
  duckdbWarehouse: string | null;
  repeat: number;
  log: (line: string) => void;
}

/** A schema of the bench's own per size, emptied first: a Trino schema belongs to one journal. */
async function freshSchema(t: TrinoSettings, schema: string): Promise<void> {
  const layers = ["raw", "reference", "staging", "intermediate", "marts", "pre_aggregations", "layer_rollups"].map((l) => `${schema}_${l}`);
  const present = await trinoQuery(t, `SELECT table_schema, table_name, table_type FROM ${t.catalog}.information_schema.tables WHERE table_schema IN (${layers.map((l) => `'${l}'`).join(", ")})`, { withoutSchema: true });
  for (const r of present) {
    const kind = r["table_type"] === "VIEW" ? "VIEW" : "TABLE";
    await trinoQuery(t, `DROP ${kind} IF EXISTS "${t.catalog}"."${String(r["table_schema"])}"."${String(r["table_name"])}"`, { withoutSchema: true });
  }
}

async function step(options: TrinoBenchOptions, env: NodeJS.ProcessEnv, journal: string, args: string[], what: string): Promise<StepFigures> {
  const run = await runMeasured(process.execPath, [join(options.root, "bin", "promotor.mjs"), "--engine", "trino", "--warehouse", journal, ...args], { cwd: options.root, env });
  if (run.exitCode !== 0) {
    throw new PromotorError(`${what} on Trino failed during the benchmark (exit ${run.exitCode}):\n${run.output.slice(-3000)}`, {
      hint: `run it by hand: promotor --engine trino --warehouse ${journal} ${args.join(" ")}`,
    });
  }
  return { elapsedMs: run.elapsedMs, peakRssBytes: run.peakRssBytes };
}

const timed = async <T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
};

export async function measureTrinoSize(options: TrinoBenchOptions): Promise<TrinoSizeFigures> {
  const schema = `bench_${options.responses}`;
  const t: TrinoSettings = { ...options.trino, schema };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PROMOTOR_ENGINE: "trino",
    PROMOTOR_TRINO_HOST: t.host,
    PROMOTOR_TRINO_PORT: String(t.port),
    PROMOTOR_TRINO_CATALOG: t.catalog,
    PROMOTOR_TRINO_SCHEMA: schema,
    PROMOTOR_TRINO_USER: t.user,
  };
  const journal = join(options.dir, "warehouses", `trino-${options.responses}.journal.duckdb`);
  for (const f of [journal, `${journal}.wal`]) rmSync(f, { force: true });
  await freshSchema(t, schema);
  options.log(`  Trino (${t.catalog}.${schema}_*): ingest`);
  const ingest = await step(options, env, journal, ["ingest", ...options.files], "promotor ingest");
  const ingestCustomers = options.ledgerFiles.length > 0 ? await step(options, env, journal, ["ingest", "--dataset", "customers", ...options.ledgerFiles], "promotor ingest --dataset customers") : null;
  options.log(`  Trino: ingest ${(ingest.elapsedMs / 1000).toFixed(1)} s${ingestCustomers ? ` (+ ledger ${(ingestCustomers.elapsedMs / 1000).toFixed(1)} s)` : ""}; build`);
  const build = await step(options, env, journal, ["build"], "promotor build");
  options.log(`  Trino: build ${(build.elapsedMs / 1000).toFixed(1)} s; ${BENCH_QUERIES.length} questions`);
  const queries = await measureTrinoQueries(t, options.duckdbWarehouse, options.repeat);
  let incremental: TrinoSizeFigures["incremental"] = null;
  if (options.moreFiles) {
    const more = await step(options, env, journal, ["ingest", ...options.moreFiles], "promotor ingest (increment)");
    const rebuild = await step(options, env, journal, ["build"], "promotor build (increment)");
    incremental = { ingest: more, build: rebuild, responses: options.increment };
    options.log(`  Trino +${options.increment.toLocaleString("en-US")}: ingest ${(more.elapsedMs / 1000).toFixed(1)} s, build ${(rebuild.elapsedMs / 1000).toFixed(1)} s`);
  }
  return { schema, ingest, ingestCustomers, build, incremental, queries };
}

/** Every bench question on Trino, with and without rollups, compared with DuckDB's answers. */
async function measureTrinoQueries(t: TrinoSettings, duckdbWarehouse: string | null, repeat: number): Promise<TrinoQueryFigures[]> {
  const layer = await createSemanticLayer({ warehouse: "", trino: t });
  const raw = await createSemanticLayer({ warehouse: "", trino: t, preAggregations: false });
  const duck = duckdbWarehouse && existsSync(duckdbWarehouse) ? await createSemanticLayer({ warehouse: duckdbWarehouse, preAggregations: false }) : null;
  try {
    const out: TrinoQueryFigures[] = [];
    for (const q of BENCH_QUERIES) {
      const first = await timed(() => layer.load(q.cube));
      const plain = await raw.load(q.cube);
      const differences: string[] = [];
      if (duck) {
        const expected = await duck.load(q.cube);
        differences.push(...compareLoads(q.id, q.cube, expected, first.value).differences.map((d) => `rollups: ${d}`));
        differences.push(...compareLoads(q.id, q.cube, expected, plain).differences.map((d) => `no rollup: ${d}`));
      }
      const rollupMs: number[] = [];
      const noRollupMs: number[] = [];
      for (let i = 0; i < repeat; i++) {
        rollupMs.push((await timed(() => layer.load(q.cube))).ms);
        noRollupMs.push((await timed(() => raw.load(q.cube))).ms);
      }
      out.push({
        id: q.id,
        preAggregation: first.value.preAggregation ?? null,
        firstMs: first.ms,
        rollupMs: median(rollupMs),
        noRollupMs: median(noRollupMs),
        equal: duck !== null && differences.length === 0,
        differences: duck ? differences.slice(0, 5) : ["no DuckDB warehouse of the same data to compare with"],
      });
    }
    return out;
  } finally {
    await layer.close();
    await raw.close();
    await duck?.close();
  }
}
