/** Issue 24's figure: `promotor contacts eligible` over a million customers and twenty million
 * invitations in under 10 s. The warehouse is made in DuckDB (deterministic, from range()):
 * 1M customers with one answer each (5 % at the complaint touchpoint, so the quiet rule has
 * work), 20M invitations over two years (a fifth relationship, the rest touchpoint surveys at six
 * touchpoints). The command runs as a child process, timed with its peak RSS, writing its CSVs. */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ensureRawSchema } from "../ingest/schema.ts";
import { openWarehouse, queryRows } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { runMeasured } from "./process-tree.ts";

export interface ContactsBench {
  customers: number;
  invitations: number;
  elapsedMs: number;
  peakRssBytes: number;
  eligible: number;
  heldBack: number;
}

export const CONTACTS_CUSTOMERS = 1_000_000;
export const CONTACTS_INVITATIONS = 20_000_000;

async function makeWarehouse(path: string, customers: number, invitations: number): Promise<void> {
  const wh = await openWarehouse(path);
  try {
    const c = wh.connection;
    await ensureRawSchema(c);
    await c.run("SET preserve_insertion_order = false");
    await c.run(`INSERT INTO raw.responses (response_id, customer_id, answered_at, survey_type, touchpoint, recommend_score, _ingestion_id, _source_file, _source_row)
      SELECT 'b' || i, 'C' || lpad(CAST(i AS VARCHAR), 7, '0'), TIMESTAMP '2026-10-01' + to_seconds(CAST(hash(i, 'r') % 5000000 AS BIGINT)),
        CASE WHEN hash(i, 't') % 20 = 0 THEN 'touchpoint' ELSE 'relationship' END, CASE WHEN hash(i, 't') % 20 = 0 THEN 'complaint' END,
        CAST(hash(i, 's') % 11 AS SMALLINT), 1, 'bench', i
      FROM range(${customers}) r(i)`);
    await c.run(`INSERT INTO raw.ingestions (ingestion_id, source_file, file_sha256, file_format, mapping, rows_read, rows_loaded, rows_quarantined, rows_duplicate, ingested_at)
      VALUES (1, 'bench', 'bench', 'bench', 'bench', ${customers}, ${customers}, 0, 0, now())`);
    await c.run(`INSERT INTO raw.invitations (invitation_id, customer_id, sent_at, survey_type, touchpoint, channel, response_id, _ingestion_id, _source_file, _source_row)
      SELECT 'i' || i, 'C' || lpad(CAST(hash(i, 'c') % ${customers} AS VARCHAR), 7, '0'), TIMESTAMP '2024-11-01' + to_seconds(CAST(hash(i, 'w') % 63072000 AS BIGINT)),
        CASE WHEN hash(i, 'k') % 5 = 0 THEN 'relationship' ELSE 'touchpoint' END,
        CASE WHEN hash(i, 'k') % 5 = 0 THEN NULL ELSE (['app', 'claim', 'call_centre', 'complaint', 'onboarding', 'mortgage_advice'])[1 + CAST(hash(i, 'p') % 6 AS INTEGER)] END,
        'email', NULL, 2, 'bench', i
      FROM range(${invitations}) r(i)`);
    await c.run("CHECKPOINT");
  } finally {
    wh.close();
  }
}

export async function measureContacts(root: string, dir: string, log: (line: string) => void, customers = CONTACTS_CUSTOMERS, invitations = CONTACTS_INVITATIONS): Promise<ContactsBench> {
  mkdirSync(join(dir, "warehouses"), { recursive: true });
  const path = join(dir, "warehouses", `contacts-${customers}-${invitations}.duckdb`);
  if (!existsSync(path)) {
    const started = performance.now();
    await makeWarehouse(path, customers, invitations);
    log(`  contacts warehouse (${customers.toLocaleString("en-US")} customers, ${invitations.toLocaleString("en-US")} invitations) made in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const out = join(dir, "warehouses", "contacts-eligible.csv");
  const run = await runMeasured(process.execPath, [join(root, "bin", "promotor.mjs"), "--warehouse", path, "contacts", "eligible", "--survey", "relationship", "--on", "2026-11-01", "--out", out], { cwd: root });
  if (run.exitCode !== 0) throw new PromotorError(`promotor contacts eligible failed during the benchmark (exit ${run.exitCode}):\n${run.output.slice(-2000)}`, { hint: `run it by hand: promotor --warehouse ${path} contacts eligible --survey relationship --out x.csv` });
  const m = /([\d,]+) customers may be invited, ([\d,]+) are held back/.exec(run.output);
  const wh = await openWarehouse(path, { readOnly: true });
  let counted = 0;
  try {
    counted = Number((await queryRows(wh.connection, "SELECT count(DISTINCT customer_id) AS n FROM raw.invitations"))[0]?.["n"] ?? 0);
  } finally {
    wh.close();
  }
  const eligible = Number((m?.[1] ?? "0").replaceAll(",", ""));
  const heldBack = Number((m?.[2] ?? "0").replaceAll(",", ""));
  log(`  contacts eligible: ${(run.elapsedMs / 1000).toFixed(1)} s (peak ${(run.peakRssBytes / 2 ** 20).toFixed(0)} MiB), ${eligible.toLocaleString("en-US")} eligible, ${heldBack.toLocaleString("en-US")} held back of ${counted.toLocaleString("en-US")} invited customers`);
  return { customers, invitations, elapsedMs: run.elapsedMs, peakRssBytes: run.peakRssBytes, eligible, heldBack };
}
