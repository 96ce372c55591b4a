/** Which ingestions have passed the row-level data tests, so that a build tests only new rows.
 *
 * raw.responses is append-only per ingestion and the fact views are row-by-row functions of it:
 * rows that passed a test keep passing until the code that computes them changes. Each build
 * that ran every node and succeeded is recorded in `raw.builds` with a fingerprint of the dbt
 * project (models, macros, tests, seeds, pinned packages); the next build with the same
 * fingerprint passes the last ingestion it covered to dbt in PROMOTOR_TESTED_THROUGH_INGESTION, which
 * the tests' `where` config uses (transforms/macros/get_where_subquery.sql). Tests that compare
 * rows across ingestions (response_id unique at the source, dim_customers) always run in full. */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openWarehouse, queryRows, SQL_UTC_NOW, sqlString } from "../lib/duckdb.ts";
import { projectRoot, transformsDir } from "../lib/paths.ts";

/** What decides a model's rows and its tests. */
const FINGERPRINTED = [
  join(transformsDir, "dbt_project.yml"),
  join(transformsDir, "models"),
  join(transformsDir, "macros"),
  join(transformsDir, "tests"),
  join(projectRoot, "seeds", "reference"),
  join(projectRoot, "requirements.txt"),
];

function filesUnder(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) return statSync(path, { throwIfNoEntry: false }) ? [path] : [];
  return readdirSync(path, { withFileTypes: true })
    .flatMap((entry) => filesUnder(join(path, entry.name)))
    .sort();
}

/** SHA-256 over the paths and contents of the project files that define the marts and tests. */
export function projectFingerprint(paths: readonly string[] = FINGERPRINTED): string {
  const hash = createHash("sha256");
  for (const file of paths.flatMap(filesUnder)) {
    hash.update(relative(projectRoot, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

export interface TestScope {
  /** Rows of ingestions after this one get the row-level tests; 0 = every row. */
  testedThroughIngestion: number;
  /** The newest ingestion in the warehouse when the build starts. */
  latestIngestion: number;
}

const BUILDS_DDL = `CREATE TABLE IF NOT EXISTS raw.builds (
  built_at TIMESTAMP NOT NULL,
  project_fingerprint VARCHAR NOT NULL,
  tested_after_ingestion INTEGER NOT NULL,
  through_ingestion INTEGER NOT NULL
)`;

/** The scope of this build's row-level tests. `everything` (a full refresh) tests every row. */
export async function testScope(warehouse: string, fingerprint: string, everything: boolean): Promise<TestScope> {
  const db = await openWarehouse(warehouse, { readOnly: true });
  try {
    return await testScopeOn(db.connection, fingerprint, everything);
  } finally {
    db.close();
  }
}

async function tablesIn(connection: DuckDBConnection, schema: string): Promise<Set<string>> {
  const rows = await queryRows(connection, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = ${sqlString(schema)}`);
  return new Set(rows.map((r) => String(r["table_name"])));
}

/** testScope on an open connection. */
export async function testScopeOn(connection: DuckDBConnection, fingerprint: string, everything: boolean): Promise<TestScope> {
  const tables = await tablesIn(connection, "raw");
  const latest = tables.has("ingestions") ? Number((await queryRows(connection, "SELECT coalesce(max(ingestion_id), 0) AS n FROM raw.ingestions"))[0]?.["n"] ?? 0) : 0;
  if (everything || !tables.has("builds")) return { testedThroughIngestion: 0, latestIngestion: latest };
  const last = await queryRows(
    connection,
    `SELECT through_ingestion FROM raw.builds WHERE project_fingerprint = ${sqlString(fingerprint)} ORDER BY built_at DESC, through_ingestion DESC LIMIT 1`,
  );
  // Never beyond what the warehouse holds (a warehouse rebuilt from fewer files).
  const tested = Math.min(Number(last[0]?.["through_ingestion"] ?? 0), latest);
  return { testedThroughIngestion: tested, latestIngestion: latest };
}

/** Records a build that ran every node and passed; `referenceData`: it also (re)loaded and
 * tested the reference data (see raw.reference_data below). */
export async function recordBuild(warehouse: string, fingerprint: string, scope: TestScope, options: { referenceData?: boolean } = {}): Promise<number> {
  const db = await openWarehouse(warehouse);
  try {
    await db.connection.run("CREATE SCHEMA IF NOT EXISTS raw");
    await db.connection.run(BUILDS_DDL);
    // What dbt read (its on-run-start hook, transforms/dbt_project.yml): an ingestion that came in
    // after the scope was taken and before dbt opened the warehouse is part of this build.
    const read = await queryRows(db.connection, "SELECT max(through_ingestion) AS n FROM intermediate.build_watermark").catch(() => []);
    const through = read[0]?.["n"] === null || read[0]?.["n"] === undefined ? scope.latestIngestion : Number(read[0]["n"]);
    await db.connection.run(
      `INSERT INTO raw.builds VALUES (${SQL_UTC_NOW}, ${sqlString(fingerprint)}, ${scope.testedThroughIngestion}, ${through})`,
    );
    if (options.referenceData) {
      await db.connection.run(REFERENCE_DDL);
      await db.connection.run(`DELETE FROM raw.reference_data; INSERT INTO raw.reference_data VALUES (${sqlString(fingerprint)}, ${SQL_UTC_NOW})`);
    }
    return through;
  } finally {
    db.close();
  }
}

/* Reference data (seeds/reference, tag `reference_data` in transforms/): the seeds, their staging
 * views, dim_drivers, dim_relationship_profiles and their tests depend on the project files and
 * nothing else. raw.reference_data names the project fingerprint whose reference data is loaded
 * and passed its tests; a build with that same fingerprint leaves that part of the graph out
 * (~25 of ~100 dbt nodes). The row is removed before any build that loads reference data, and
 * written only after such a build passed, so a build that failed half-way (or one of other code)
 * never vouches for what it left behind. */
const REFERENCE_DDL = "CREATE TABLE IF NOT EXISTS raw.reference_data (project_fingerprint VARCHAR NOT NULL, loaded_at TIMESTAMP NOT NULL)";

/** The dbt selector of the reference-data subgraph (transforms/dbt_project.yml and the models' config). */
export const REFERENCE_DATA_SELECTOR = "tag:reference_data";

/** The YAML selector (transforms/selectors.yml) of a build whose reference data and views are
 * those of this same code: both left out, the views' tests kept (re-creating the 11 views cost
 * ~0.3 s of a small build, docs/benchmarks.md). A view's SQL holds the code, the reference data
 * and int_touchpoints written out: the fingerprint vouches for the first two, and
 * touchpointsNewToViews for the third. */
export const CODE_UNCHANGED_SELECTOR = "code_unchanged";
/** The same without the follow-up models (`promotor build --exclude tag:follow_up`). */
export const CODE_UNCHANGED_WITHOUT_FOLLOW_UP_SELECTOR = "code_unchanged_without_follow_up";

/** Touchpoints of the ingestions after `afterIngestion` that int_touchpoints does not hold yet,
 * or null when there is no int_touchpoints. The response views write int_touchpoints into their
 * SQL (a CASE per attribute, transforms/macros/reference_lookup.sql), and int_touchpoints holds
 * the touchpoints the responses use that the journey map does not name: a new one needs the
 * views made again. Reads only the new ingestions' rows (DuckDB skips the others by their
 * `_ingestion_id` range). */
export async function touchpointsNewToViews(connection: DuckDBConnection, afterIngestion: number): Promise<string[] | null> {
  if (!(await tablesIn(connection, "intermediate")).has("int_touchpoints")) return null;
  const rows = await queryRows(
    connection,
    `SELECT DISTINCT touchpoint FROM raw.responses
     WHERE _ingestion_id > ${Math.trunc(afterIngestion)} AND touchpoint IS NOT NULL
       AND touchpoint NOT IN (SELECT touchpoint FROM intermediate.int_touchpoints WHERE touchpoint IS NOT NULL)
     ORDER BY 1`,
  );
  return rows.map((r) => String(r["touchpoint"]));
}

/** Whether the warehouse holds the reference data of this fingerprint, built and tested. */
export async function referenceDataCurrent(connection: DuckDBConnection, fingerprint: string): Promise<boolean> {
  if (!(await tablesIn(connection, "raw")).has("reference_data")) return false;
  const rows = await queryRows(connection, "SELECT project_fingerprint FROM raw.reference_data");
  return rows.length === 1 && rows[0]?.["project_fingerprint"] === fingerprint;
}

/** Before a build that (re)loads the reference data: nothing vouches for it until that build passes. */
export async function forgetReferenceData(connection: DuckDBConnection): Promise<void> {
  await connection.run("CREATE SCHEMA IF NOT EXISTS raw");
  await connection.run(REFERENCE_DDL);
  await connection.run("DELETE FROM raw.reference_data");
}
