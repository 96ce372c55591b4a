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
import { openWarehouse, queryRows, sqlString } from "../lib/duckdb.ts";
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
    const tables = await queryRows(
      db.connection,
      "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'raw' AND table_name IN ('builds', 'ingestions')",
    );
    const has = (name: string): boolean => tables.some((t) => t["table_name"] === name);
    const latest = has("ingestions") ? Number((await queryRows(db.connection, "SELECT coalesce(max(ingestion_id), 0) AS n FROM raw.ingestions"))[0]?.["n"] ?? 0) : 0;
    if (everything || !has("builds")) return { testedThroughIngestion: 0, latestIngestion: latest };
    const last = await queryRows(
      db.connection,
      `SELECT through_ingestion FROM raw.builds WHERE project_fingerprint = ${sqlString(fingerprint)} ORDER BY built_at DESC, through_ingestion DESC LIMIT 1`,
    );
    // Never beyond what the warehouse holds (a warehouse rebuilt from fewer files).
    const tested = Math.min(Number(last[0]?.["through_ingestion"] ?? 0), latest);
    return { testedThroughIngestion: tested, latestIngestion: latest };
  } finally {
    db.close();
  }
}

/** Records a build that ran every node and passed. */
export async function recordBuild(warehouse: string, fingerprint: string, scope: TestScope): Promise<void> {
  const db = await openWarehouse(warehouse);
  try {
    await db.connection.run("CREATE SCHEMA IF NOT EXISTS raw");
    await db.connection.run(BUILDS_DDL);
    await db.connection.run(
      `INSERT INTO raw.builds VALUES (now()::TIMESTAMP, ${sqlString(fingerprint)}, ${scope.testedThroughIngestion}, ${scope.latestIngestion})`,
    );
  } finally {
    db.close();
  }
}
