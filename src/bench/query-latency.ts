/** Latency of the dashboard questions through the semantic layer against the same question in
 * hand-written DuckDB SQL, measured pair by pair in one process after a warm-up. */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { sqlString } from "../lib/duckdb.ts";
import { createSemanticLayer } from "../semantic/index.ts";
import { compareAnswers } from "./compare.ts";
import { BENCH_QUERIES, type DashboardQuery } from "./queries.ts";
import { median } from "./stats.ts";

export interface QueryMeasurement {
  id: string;
  title: string;
  /** "dashboard" (rollups serve it) or "analyst" (no rollup covers it). */
  kind: "dashboard" | "analyst";
  /** The rollup that served the semantic query, or null when it ran on the marts. */
  preAggregation: string | null;
  /** First call through the layer: compiling the model and building any rollup. */
  firstMs: number;
  /** Medians over the timed runs (compile cache warm). */
  semanticMs: number;
  handMs: number;
  /** Median of semantic/hand ratios, each pair measured back to back. */
  ratio: number;
  /** The same query through the layer with rollups off (SQL over the mart views), median, and
   * its median ratio to the hand SQL: what a question no rollup matches costs. */
  noRollupMs: number;
  noRollupRatio: number;
  runs: number;
  equal: boolean;
  differences: string[];
}

/** Hand-written SQL runs on its own in-memory DuckDB with the warehouse attached read-only,
 * exactly as the semantic layer's executor does, so neither side gets a different engine. */
async function openHand(warehouse: string): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`ATTACH ${sqlString(warehouse)} AS warehouse (READ_ONLY)`);
  await connection.run("USE warehouse");
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

export interface QueryBenchOptions {
  warehouse: string;
  /** Timed runs per query after the warm-up (default 10). */
  repeat?: number;
  queries?: readonly DashboardQuery[];
}

export async function measureQueries(options: QueryBenchOptions): Promise<QueryMeasurement[]> {
  const repeat = Math.max(1, options.repeat ?? 10);
  const queries = options.queries ?? BENCH_QUERIES;
  const layer = await createSemanticLayer({ warehouse: options.warehouse });
  const noRollup = await createSemanticLayer({ warehouse: options.warehouse, preAggregations: false });
  const hand = await openHand(options.warehouse);
  const runHand = async (q: DashboardQuery): Promise<Record<string, unknown>[]> =>
    (await hand.connection.runAndReadAll(q.handSql)).getRowObjectsJS() as Record<string, unknown>[];
  try {
    const results: QueryMeasurement[] = [];
    for (const q of queries) {
      // Warm-up: the first call compiles the model and builds the rollup; the hand query warms
      // DuckDB's buffer pool for the raw table the same way.
      const first = await timed(() => layer.load(q.cube));
      const handFirst = await runHand(q);
      const comparison = compareAnswers(q, first.value.data, handFirst);
      // The answer without a rollup must be the same too (row by row).
      const plain = compareAnswers(q, (await noRollup.load(q.cube)).data, handFirst);
      if (!plain.equal) {
        comparison.equal = false;
        comparison.differences.push(...plain.differences.map((d) => `no rollup: ${d}`));
      }
      const semanticMs: number[] = [];
      const handMs: number[] = [];
      const ratios: number[] = [];
      const noRollupMs: number[] = [];
      const noRollupRatios: number[] = [];
      for (let i = 0; i < repeat; i++) {
        // Alternate who goes first, so neither side always finds the caches warmer.
        let s: number;
        let h: number;
        if (i % 2 === 0) {
          s = (await timed(() => layer.load(q.cube))).ms;
          h = (await timed(() => runHand(q))).ms;
        } else {
          h = (await timed(() => runHand(q))).ms;
          s = (await timed(() => layer.load(q.cube))).ms;
        }
        const n = (await timed(() => noRollup.load(q.cube))).ms;
        semanticMs.push(s);
        handMs.push(h);
        ratios.push(s / h);
        noRollupMs.push(n);
        noRollupRatios.push(n / h);
      }
      results.push({
        id: q.id,
        title: q.title,
        kind: q.kind ?? "dashboard",
        preAggregation: first.value.preAggregation ?? null,
        firstMs: first.ms,
        semanticMs: median(semanticMs),
        handMs: median(handMs),
        ratio: median(ratios),
        noRollupMs: median(noRollupMs),
        noRollupRatio: median(noRollupRatios),
        runs: repeat,
        equal: comparison.equal,
        differences: comparison.differences,
      });
    }
    return results;
  } finally {
    hand.close();
    await layer.close();
    await noRollup.close();
  }
}
