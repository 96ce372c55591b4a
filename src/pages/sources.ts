/** The SQL of every generated source: the semantic layer writes it from the Cube model into
 * .promotor/sources/promotor/<name>.sql (git-ignored compiled output, issue 22: the repository
 * shows the pages and the model, not their compiled SQL). `pages check`, `pages build` and
 * `pages dev` make it again whenever the model or the definitions changed (its fingerprint);
 * `promotor pages sources` does so on demand. The build copy gets it beside the hand-written
 * sources. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openWarehouse, queryRows } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import type { SemanticLayer } from "../semantic/types.ts";
import { generatedSourceDir, modelFingerprint, sourcesFingerprint, type PagesProject } from "./project.ts";
import { SOURCE_QUERIES, type SourceQuery } from "./source-queries.ts";
import { generatedFingerprint, sourceSql } from "./source-sql.ts";

/** Loads the semantic layer lazily, so the rest of `pages` works where Cube cannot compile. */
export async function openSemanticLayer(warehouse: string): Promise<SemanticLayer> {
  let factory: ((options: { warehouse: string }) => Promise<SemanticLayer> | SemanticLayer) | undefined;
  try {
    const mod = (await import("../semantic/index.ts")) as { createSemanticLayer?: typeof factory };
    factory = mod.createSemanticLayer;
  } catch (error) {
    throw new PromotorError(`the semantic layer (src/semantic/index.ts) cannot be loaded: ${(error as Error).message}`, {
      hint: "the generated sources need the Cube model; see docs/semantic.md",
      cause: error,
    });
  }
  if (!factory) throw new PromotorError("src/semantic/index.ts exports no createSemanticLayer");
  return await factory({ warehouse });
}

export interface GeneratedSource {
  source: SourceQuery;
  file: string;
  sql: string;
}

/** Generates the SQL of every source (does not write it). */
export async function generateSources(project: PagesProject, warehouse: string, layer: SemanticLayer): Promise<GeneratedSource[]> {
  if (!existsSync(warehouse)) {
    throw new PromotorError(`warehouse ${warehouse} does not exist`, { hint: "run: promotor ingest seeds/sample && promotor build" });
  }
  const wh = await openWarehouse(warehouse, { readOnly: true });
  try {
    const fingerprints = { model: modelFingerprint(project.root), sources: sourcesFingerprint(project.root) };
    const out: GeneratedSource[] = [];
    for (const source of SOURCE_QUERIES) {
      const sql = await sourceSql(source, {
        cubeSql: (query) => layer.sql(query),
        columns: async (q) => (await queryRows(wh.connection, `DESCRIBE ${q}`)).map((r) => String(r["column_name"])),
        fingerprints,
      });
      out.push({ source, file: join(generatedSourceDir(project), `${source.name}.sql`), sql });
    }
    return out;
  } finally {
    wh.close();
  }
}

export function writeSources(generated: GeneratedSource[]): string[] {
  const changed: string[] = [];
  for (const g of generated) mkdirSync(join(g.file, ".."), { recursive: true });
  for (const g of generated) {
    const before = existsSync(g.file) ? readFileSync(g.file, "utf8") : null;
    if (before !== g.sql) {
      writeFileSync(g.file, g.sql);
      changed.push(g.file);
    }
  }
  return changed;
}

/** Generated source files whose fingerprint differs from the current model and definitions. */
export function staleSources(project: PagesProject): { file: string; found: string | null; expected: string }[] {
  const expected = sourcesFingerprint(project.root);
  const stale: { file: string; found: string | null; expected: string }[] = [];
  for (const source of SOURCE_QUERIES) {
    const file = join(generatedSourceDir(project), `${source.name}.sql`);
    const found = existsSync(file) ? generatedFingerprint(readFileSync(file, "utf8")) : null;
    if (found !== expected) stale.push({ file, found, expected });
  }
  return stale;
}

/** Generates the sources when any is missing or was made from another model or definitions;
 * returns the files written (none when all are current). */
export async function ensureGeneratedSources(project: PagesProject, warehouse: string): Promise<string[]> {
  if (staleSources(project).length === 0) return [];
  const layer = await openSemanticLayer(warehouse);
  try {
    return writeSources(await generateSources(project, warehouse, layer));
  } finally {
    await layer.close();
  }
}

/** Latest answered_at in the warehouse: the data freshness a build is stamped with. */
export async function dataFreshness(warehouse: string): Promise<string | null> {
  const wh = await openWarehouse(warehouse, { readOnly: true });
  try {
    const rows = await queryRows(wh.connection, `SELECT strftime(max(answered_at), '%Y-%m-%dT%H:%M:%SZ') AS latest FROM marts.fct_nps_responses`);
    const v = rows[0]?.["latest"];
    return typeof v === "string" ? v : null;
  } finally {
    wh.close();
  }
}

