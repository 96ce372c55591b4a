/** The follow-up cases as Trino has built them, copied into the journal for `promotor --engine
 * trino cases` (issue 25). The cases command checks every change against the case's current
 * state (src/cases/cases.ts) and reads it from the marts; on Trino those are Iceberg tables and
 * views, so the command gets a copy of what it reads: every case, the answers that may still
 * open one (triggers not yet a case), the open answers' reasons and the recovery of each case.
 * The copy lives in the journal's schema trino_mirror, behind views with the marts' names. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { TrinoSettings } from "../engine/settings.ts";
import { trinoQuery } from "./client.ts";
import { trinoTableColumns } from "./publish.ts";

interface Mirrored {
  /** The view the DuckDB code reads (layer.table, as in the DuckDB warehouse). */
  view: string;
  /** Only these columns (all when absent). */
  columns?: readonly string[];
  /** Which rows, over the relation as `r` (`{marts}` is the Trino schema of the marts). */
  where?: string;
}

const MIRRORED: readonly Mirrored[] = [
  { view: "marts.fct_cases" },
  { view: "marts.fct_case_recovery" },
  // Answers that may still open a case: those not yet a case.
  { view: "intermediate.int_case_triggers", where: "r.response_id NOT IN (SELECT opening_response_id FROM {marts}.fct_cases)" },
  // The reasons of the cases' opening answers (the workbook and `cases list` show them).
  { view: "marts.fct_nps_responses", columns: ["response_id", "recommend_reason"], where: "r.response_id IN (SELECT opening_response_id FROM {marts}.fct_cases)" },
];

/** Trino's type as DuckDB's; decimals without scale hold order keys (HUGEINT on DuckDB). */
function duckdbType(trinoType: string): string {
  const t = trinoType.toLowerCase();
  if (t.startsWith("varchar") || t.startsWith("char")) return "VARCHAR";
  if (t.startsWith("timestamp")) return t.includes("with time zone") ? "TIMESTAMPTZ" : "TIMESTAMP";
  if (/^decimal\(\d+,\s*0\)$/.test(t)) return "HUGEINT";
  if (t.startsWith("decimal")) return t.toUpperCase();
  const simple: Record<string, string> = { integer: "INTEGER", bigint: "BIGINT", smallint: "SMALLINT", tinyint: "TINYINT", double: "DOUBLE", real: "FLOAT", boolean: "BOOLEAN", date: "DATE" };
  return simple[t] ?? "VARCHAR";
}

/** Copies the cases from Trino into the journal. Returns false when Trino has no cases yet
 * (nothing built): the command then says so itself. */
export async function mirrorCases(journal: DuckDBConnection, t: TrinoSettings): Promise<boolean> {
  const schemaOf = (layer: string): string => `${t.catalog}.${t.schema}_${layer}`;
  const [present] = await trinoQuery(t, `SELECT count(*) AS n FROM ${t.catalog}.information_schema.tables WHERE table_schema = '${t.schema}_marts' AND table_name = 'fct_cases'`, { withoutSchema: true });
  if (Number(present?.["n"] ?? 0) === 0) return false;
  const dir = mkdtempSync(join(tmpdir(), "promotor-mirror-"));
  try {
    await journal.run("CREATE SCHEMA IF NOT EXISTS trino_mirror; CREATE SCHEMA IF NOT EXISTS marts; CREATE SCHEMA IF NOT EXISTS intermediate");
    for (const m of MIRRORED) {
      const [layer, name] = m.view.split(".") as [string, string];
      const columns = [...(await trinoTableColumns(t, name, `${t.schema}_${layer}`))].filter(([n]) => m.columns === undefined || m.columns.includes(n));
      const names = columns.map(([n]) => n);
      const types = columns.map(([, type]) => duckdbType(type));
      // Every value travels as text: no number passes through a JavaScript double (order keys
      // have 38 digits).
      const where = m.where ? ` WHERE ${m.where.replaceAll("{marts}", schemaOf("marts"))}` : "";
      const rows = await trinoQuery(t, `SELECT ${names.map((n) => `CAST(r."${n}" AS varchar) AS "${n}"`).join(", ")} FROM ${schemaOf(layer)}."${name}" AS r${where}`, { withoutSchema: true });
      const file = join(dir, `${m.view}.ndjson`);
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const table = `trino_mirror."${m.view.replace(".", "__")}"`;
      const struct = `{${names.map((n) => `'${n}': 'VARCHAR'`).join(", ")}}`;
      const source = rows.length > 0 ? `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = ${struct})` : `(SELECT ${names.map((n) => `NULL::VARCHAR AS "${n}"`).join(", ")} WHERE false)`;
      await journal.run(`CREATE OR REPLACE TABLE ${table} AS SELECT ${names.map((n, i) => `CAST("${n}" AS ${types[i]}) AS "${n}"`).join(", ")} FROM ${source}`);
      await journal.run(`CREATE OR REPLACE VIEW ${m.view} AS SELECT * FROM ${table}`);
    }
    return true;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
