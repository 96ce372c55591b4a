/** Equal answers through the semantic layer on both engines (issue 25, point 4): every question
 * the bench, the pages' sources and the static charts ask, with and without rollups, for an
 * executive and for a business unit (row-level security), answered by a DuckDB layer and a Trino
 * layer and compared row by row. Rows are matched on their dimension values; numbers agree
 * within a relative 1e-9 (the engines sum doubles in different orders). */
import { BENCH_QUERIES } from "../bench/queries.ts";
import { sameNumber } from "../bench/compare.ts";
import { chartQueries } from "../charts/queries.ts";
import { cubeQueries, SOURCE_QUERIES } from "../pages/source-queries.ts";
import type { CubeQuery, LoadResult, SecurityContext, SemanticLayer } from "../semantic/types.ts";

export interface LayerQuestion {
  id: string;
  query: CubeQuery;
}

/** Every question Promotor itself asks the layer. */
export function layerQuestions(): LayerQuestion[] {
  const out: LayerQuestion[] = BENCH_QUERIES.map((q) => ({ id: `bench ${q.id}`, query: q.cube }));
  for (const source of SOURCE_QUERIES) {
    for (const { scope, query } of cubeQueries(source)) out.push({ id: `source ${source.name}${scope ? ` (${scope.scope})` : ""}`, query });
  }
  for (const [name, make] of Object.entries(chartQueries)) out.push({ id: `chart ${name}`, query: make({}) });
  return out;
}

export interface QuestionParity {
  id: string;
  rows: number;
  differences: string[];
}

const keyText = (value: unknown): string => (value === null || value === undefined ? "∅" : typeof value === "string" ? value.replace(" ", "T") : String(value));

function asNumber(value: unknown): number | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  return undefined;
}

/** The differences between two answers to one question, for people: key, member, both values. */
export function compareLoads(id: string, query: CubeQuery, duckdb: LoadResult, trino: LoadResult): QuestionParity {
  const measures = new Set(query.measures ?? []);
  const members = [...new Set([...Object.keys(duckdb.data[0] ?? {}), ...Object.keys(trino.data[0] ?? {})])];
  const keys = members.filter((m) => !measures.has(m)).sort();
  const differences: string[] = [];
  const index = (rows: readonly Record<string, unknown>[], side: string): Map<string, Record<string, unknown>> => {
    const map = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const key = keys.map((k) => keyText(row[k])).join(" | ");
      // An ungrouped question may hold equal rows: they count, not overwrite.
      let unique = key;
      for (let n = 2; map.has(unique); n++) unique = `${key} #${n}`;
      map.set(unique, row);
    }
    if (map.size !== rows.length) differences.push(`${side} lost rows`);
    return map;
  };
  const d = index(duckdb.data, "duckdb");
  const t = index(trino.data, "trino");
  for (const key of d.keys()) if (!t.has(key)) differences.push(`${id} [${key}]: only DuckDB has this row`);
  for (const key of t.keys()) if (!d.has(key)) differences.push(`${id} [${key}]: only Trino has this row`);
  for (const [key, drow] of d) {
    const trow = t.get(key);
    if (!trow) continue;
    for (const member of measures) {
      const a = drow[member];
      const b = trow[member];
      const na = asNumber(a);
      const nb = asNumber(b);
      const equal = na !== undefined && nb !== undefined ? sameNumber(na, nb) : String(a) === String(b);
      if (!equal) differences.push(`${id} [${key}] ${member}: duckdb ${String(a)}, trino ${String(b)}`);
    }
  }
  return { id, rows: duckdb.data.length, differences: differences.slice(0, 10) };
}

/** Asks both layers every question, `concurrency` questions at a time (Trino answers several at
 * once; each question alone spends most of its time waiting on the coordinator). */
export async function compareLayers(duckdb: SemanticLayer, trino: SemanticLayer, questions: readonly LayerQuestion[], security?: SecurityContext, concurrency = 4): Promise<QuestionParity[]> {
  const out: QuestionParity[] = new Array(questions.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < questions.length) {
      const i = next++;
      const q = questions[i]!;
      try {
        const [d, t] = await Promise.all([duckdb.load(q.query, security), trino.load(q.query, security)]);
        out[i] = compareLoads(q.id, q.query, d, t);
      } catch (error) {
        out[i] = { id: q.id, rows: 0, differences: [`${q.id}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`] };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return out;
}
