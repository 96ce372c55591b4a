import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runDbt } from "../../src/dbt/run.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { ingestFile, type IngestOptions, type IngestResult } from "../../src/ingest/ingest.ts";

export interface FixtureWarehouse {
  path: string;
  ingested: IngestResult[];
}

/** A fresh temp directory for one test file. */
export function tempDir(prefix = "promotor-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Ingests export files into a new warehouse (no dbt). */
export async function ingestInto(path: string, files: readonly string[], mapping?: string, options: IngestOptions = {}): Promise<IngestResult[]> {
  const warehouse = await openWarehouse(path);
  try {
    const results: IngestResult[] = [];
    for (const file of files) results.push(await ingestFile(warehouse.connection, file, mapping === undefined ? options : { ...options, mapping }));
    return results;
  } finally {
    warehouse.close();
  }
}

/** Ingests the files and runs the real `dbt build`: the warehouse every later layer reads. */
export async function buildFixtureWarehouse(files: readonly string[], options: { mapping?: string; dir?: string } = {}): Promise<FixtureWarehouse> {
  const path = join(options.dir ?? tempDir(), "promotor.duckdb");
  const ingested = await ingestInto(path, files, options.mapping);
  const result = await runDbt(["build"], { warehouse: path });
  if (result.exitCode !== 0) throw new Error(`dbt build failed for the fixture warehouse:\n${result.output.slice(-4000)}`);
  return { path, ingested };
}

/** Runs one query on a warehouse file, read-only. */
export async function query(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const warehouse = await openWarehouse(path, { readOnly: true });
  try {
    return await queryRows(warehouse.connection, sql);
  } finally {
    warehouse.close();
  }
}

/** Runs one statement on a warehouse file (to set up or break a fixture). */
export async function execute(path: string, sql: string): Promise<void> {
  const warehouse = await openWarehouse(path);
  try {
    await warehouse.connection.run(sql);
  } finally {
    warehouse.close();
  }
}
