import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const excel = join(fixtures, "excel-nl-bad-rows.csv");
const qualtrics = join(fixtures, "qualtrics-export.csv");
const handCounted = join(fixtures, "hand-counted.csv");

describe("ingest: Excel CSV in a Dutch locale (;, BOM, CRLF) with bad rows", () => {
  const dir = tempDir();
  const path = join(dir, "w.duckdb");
  beforeAll(async () => {
    await ingestInto(path, [excel]);
  });

  it("puts every one of the 12 records in exactly one place (3 loaded, 8 quarantined, 1 duplicate)", async () => {
    const [ingestion] = await query(path, "SELECT * FROM raw.ingestions");
    expect(ingestion).toMatchObject({ rows_read: 12, rows_loaded: 3, rows_quarantined: 8, rows_duplicate: 1 });
    const [counts] = await query(path, "SELECT (SELECT count(*) FROM raw.responses) AS loaded, (SELECT count(*) FROM raw.quarantine) AS quarantined");
    expect(counts).toEqual({ loaded: 3, quarantined: 8 });
    const loaded = await query(path, "SELECT response_id FROM raw.responses ORDER BY response_id");
    expect(loaded.map((r) => r["response_id"])).toEqual(["E01", "E07", "E11"]);
  });

  it("keeps each rejected row with its physical line and a reason a person can act on", async () => {
    const rows = await query(path, "SELECT source_line, response_id, reason FROM raw.quarantine ORDER BY source_line");
    const byLine = Object.fromEntries(rows.map((r) => [r["source_line"], String(r["reason"])]));
    expect(Object.keys(byLine).map(Number)).toEqual([3, 4, 5, 6, 7, 11, 12, 14]);
    expect(byLine[3]).toBe("recommend_score '7,5' is not a whole number on the 0–10 scale");
    expect(byLine[4]).toBe("recommend_score 11 is outside the 0–10 scale");
    expect(byLine[5]).toContain("'acht' is not a whole number");
    expect(byLine[6]).toBe("missing response_id (required)");
    expect(byLine[7]).toContain("answered_at '31-02-2025' is not a timestamp");
    // Line 11, after a record with a line break inside quotes (lines 8–9).
    expect(byLine[11]).toContain("conflicting duplicate: response_id E07 appears earlier in this file (row 7)");
    expect(byLine[12]).toBe("missing touchpoint (required for touchpoint surveys)");
    expect(byLine[14]).toContain("malformed CSV record: too few fields");
  });

  it("never reads 7,5 as 7 or 75 and keeps the quoted ; and line break inside answers", async () => {
    const [e01] = await query(path, "SELECT recommend_score, recommend_reason FROM raw.responses WHERE response_id = 'E01'");
    expect(e01).toEqual({ recommend_score: 9, recommend_reason: "Prima; snel" });
    const [e07] = await query(path, "SELECT recommend_reason, csat, ces FROM raw.responses WHERE response_id = 'E07'");
    expect(e07).toEqual({ recommend_reason: "Regel één\r\nregel twee", csat: 4, ces: 3 });
    const [e02] = await query(path, "SELECT raw_values->>'recommend_score' AS raw FROM raw.quarantine WHERE response_id = 'E02'");
    expect(e02).toEqual({ raw: "7,5" });
  });

  it("is idempotent: ingesting the same file again changes nothing", async () => {
    const before = await query(path, "SELECT (SELECT count(*) FROM raw.responses) r, (SELECT count(*) FROM raw.quarantine) q, (SELECT count(*) FROM raw.ingestions) i");
    const [again] = await ingestInto(path, [excel]);
    expect(again?.alreadyIngested?.ingestionId).toBe(1);
    const after = await query(path, "SELECT (SELECT count(*) FROM raw.responses) r, (SELECT count(*) FROM raw.quarantine) q, (SELECT count(*) FROM raw.ingestions) i");
    expect(after).toEqual(before);
  });

  it("counts a renamed copy's rows as duplicates, and quarantines its bad rows again under the new name", async () => {
    const copy = join(dir, "copy.csv");
    copyFileSync(excel, copy);
    writeFileSync(copy, "\r\n", { flag: "a" }); // different bytes, same records
    const [result] = await ingestInto(path, [copy]);
    expect(result).toMatchObject({ rowsRead: 12, loaded: 0, duplicates: 4, quarantined: 8 });
  });
});

describe("ingest: Qualtrics CSV export (three header rows, NPS group column)", () => {
  it("skips the question-text and ImportId rows, maps the columns and checks Q1_NPS_GROUP", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [result] = await ingestInto(path, [qualtrics]);
    expect(result).toMatchObject({ mapping: "qualtrics", rowsRead: 4, loaded: 3, quarantined: 1, duplicates: 0 });
    const loaded = await query(path, "SELECT response_id, customer_id, language, touchpoint, recommend_score, csat, ces, CAST(answered_at AS VARCHAR) AS at FROM raw.responses ORDER BY response_id");
    expect(loaded[0]).toEqual({ response_id: "R_1a", customer_id: "C21", language: "nl", touchpoint: "claim", recommend_score: 9, csat: 4, ces: 6, at: "2025-04-01 07:15:00" });
    // 09:15 Amsterdam summer time (UTC+2) is 07:15 UTC.
    const [bad] = await query(path, "SELECT source_line, reason FROM raw.quarantine");
    // Physical line 7: the question text of Q2 spans two lines in the header block.
    expect(bad).toEqual({ source_line: 7, reason: "Q1_NPS_GROUP 'Promoter' disagrees with recommend_score 8" });
  });

  it("records when it was ingested in UTC, whatever the mapping's time zone (Europe/Amsterdam here)", async () => {
    const path = join(tempDir(), "w.duckdb");
    const before = Date.now();
    await ingestInto(path, [qualtrics]);
    const after = Date.now();
    const [times] = await query(path, "SELECT CAST((SELECT ingested_at FROM raw.ingestions) AS VARCHAR) AS ingested, CAST((SELECT max(quarantined_at) FROM raw.quarantine) AS VARCHAR) AS quarantined");
    for (const t of [times!["ingested"], times!["quarantined"]]) {
      const ms = Date.parse(`${String(t).replace(" ", "T")}Z`);
      expect(ms).toBeGreaterThanOrEqual(before - 1000);
      expect(ms).toBeLessThanOrEqual(after + 1000);
    }
  });
});

describe("ingest: Parquet and conflicts across files", () => {
  it("reads Parquet, counts exact duplicates of loaded rows once and quarantines conflicting ones", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    const parquet = join(dir, "responses.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    // Same ten responses as hand-counted.csv, H05 with another score (a conflict), plus one new.
    await c.run(`COPY (
      SELECT * REPLACE (CASE WHEN response_id = 'H05' THEN 4 ELSE recommend_score END AS recommend_score)
      FROM read_csv('${handCounted}', header = true)
      UNION ALL SELECT * REPLACE ('N01' AS response_id) FROM read_csv('${handCounted}', header = true) WHERE response_id = 'T05'
    ) TO '${parquet}' (FORMAT parquet)`);
    c.closeSync();
    db.closeSync();
    const [first, second] = await ingestInto(path, [handCounted, parquet]);
    expect(first).toMatchObject({ rowsRead: 10, loaded: 10, quarantined: 0, duplicates: 0 });
    expect(second).toMatchObject({ format: "parquet", rowsRead: 11, loaded: 1, quarantined: 1, duplicates: 9 });
    const [conflict] = await query(path, "SELECT source_line, source_row, response_id, reason FROM raw.quarantine");
    expect(conflict).toMatchObject({ source_line: null, source_row: 5, response_id: "H05" });
    expect(String(conflict?.["reason"])).toContain("was loaded before from");
  });

  it("trims spaces around values and reads a value of only spaces as missing", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    const file = join(dir, "padded.csv");
    const header = "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,segment,business_unit,account_manager,recommend_score,recommend_reason,driver_process,driver_product_price,driver_reputation_image,driver_emotional_engagement,krs_satisfaction,krs_trust,krs_love,csat,ces";
    writeFileSync(file, `${header}\n P01 ,C01,2025-03-01T10:00:00, Touchpoint , Claim ,web, NL ,   ,schade,, 9 ,  Snel geholpen ,,,,,,,, 4,\n`);
    const [result] = await ingestInto(path, [file]);
    expect(result).toMatchObject({ rowsRead: 1, loaded: 1, quarantined: 0 });
    const [row] = await query(path, "SELECT response_id, survey_type, touchpoint, language, segment, recommend_score, recommend_reason, csat FROM raw.responses");
    expect(row).toEqual({ response_id: "P01", survey_type: "touchpoint", touchpoint: "claim", language: "nl", segment: null, recommend_score: 9, recommend_reason: "Snel geholpen", csat: 4 });
  });

  it("upgrades a warehouse from before 0.1.1: the per-row hash column goes, duplicates are still recognised", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    await ingestInto(path, [handCounted]);
    const db = await DuckDBInstance.create(path);
    const c = await db.connect();
    await c.run("ALTER TABLE raw.responses ADD COLUMN _row_hash VARCHAR DEFAULT 'old'");
    c.closeSync();
    db.closeSync();
    const renamed = join(dir, "again.csv");
    copyFileSync(handCounted, renamed);
    writeFileSync(renamed, "\n", { flag: "a" }); // different bytes, same records
    const [again] = await ingestInto(path, [renamed]);
    expect(again).toMatchObject({ rowsRead: 10, loaded: 0, duplicates: 10, quarantined: 0 });
    const columns = await query(path, "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'raw' AND table_name = 'responses' AND column_name LIKE '\\_%' ESCAPE '\\' ORDER BY 1");
    expect(columns.map((r) => r["column_name"])).toEqual(["_ingestion_id", "_source_file", "_source_row"]);
  });
});
