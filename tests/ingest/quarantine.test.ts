import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { runDbt } from "../../src/dbt/run.ts";
import { replayQuarantine } from "../../src/ingest/quarantine.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { parseCsv } from "../helpers/csv.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";
import { capture } from "../helpers/capture.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");
const unknown = join(fixtures, "unknown-touchpoints.csv");
const dutch = join(fixtures, "dutch-timestamps.csv");
const known = new Set(["onboarding", "mortgage_advice", "app", "call_centre", "claim", "complaint"]);
const unknownRows = parseCsv(unknown).rows;
const nUnknown = unknownRows.filter((r) => r["touchpoint"] && !known.has(r["touchpoint"]) && /^\d+$/.test(r["recommend_score"]!) && Number(r["recommend_score"]) <= 10).length;
const nBadScore = unknownRows.filter((r) => !(/^\d+$/.test(r["recommend_score"]!) && Number(r["recommend_score"]) <= 10)).length;

async function replay(path: string, options: Parameters<typeof replayQuarantine>[1] = {}) {
  const w = await openWarehouse(path);
  try {
    return await replayQuarantine(w.connection, options);
  } finally {
    w.close();
  }
}

/** Per ingestion and per file: every row read is in exactly one place. */
async function invariants(path: string) {
  const perIngestion = await query(path, `SELECT i.ingestion_id, rows_read, rows_loaded, rows_quarantined, rows_duplicate, rows_replayed,
      (SELECT count(*) FROM raw.responses r WHERE r._ingestion_id = i.ingestion_id) AS in_responses,
      (SELECT count(*) FROM raw.quarantine q WHERE q.ingestion_id = i.ingestion_id) AS in_quarantine
    FROM raw.ingestions i ORDER BY 1`);
  for (const r of perIngestion) {
    expect(r["rows_read"]).toBe(Number(r["rows_loaded"]) + Number(r["rows_quarantined"]) + Number(r["rows_duplicate"]) + Number(r["rows_replayed"]));
    expect(r["in_responses"]).toBe(r["rows_loaded"]);
    expect(r["in_quarantine"]).toBe(r["rows_quarantined"]);
  }
  const perFile = await query(path, `SELECT source_file, sum(rows_read) FILTER (WHERE replay_of IS NULL) AS read,
      sum(rows_loaded) + sum(rows_quarantined) + sum(rows_duplicate) AS accounted FROM raw.ingestions GROUP BY 1`);
  for (const f of perFile) expect(f["accounted"]).toBe(f["read"]);
  return perIngestion;
}

const snapshot = (path: string) =>
  query(path, "SELECT (SELECT count(*) FROM raw.responses) r, (SELECT count(*) FROM raw.quarantine) q, (SELECT count(*) FROM raw.ingestions) i, (SELECT string_agg(reason, '|' ORDER BY source_row) FROM raw.quarantine) reasons");

describe("promotor quarantine replay", () => {
  it("after a reference fix (strict mode off): the rows that now pass load, the others keep a current reason, counts reconcile", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [first] = await ingestInto(path, [unknown], undefined, { strictTouchpoints: true });
    expect(first).toMatchObject({ rowsRead: unknownRows.length, quarantined: nUnknown + nBadScore, loaded: unknownRows.length - nUnknown - nBadScore });
    await invariants(path);

    const [result] = await replay(path);
    expect(result).toMatchObject({ replayed: nUnknown + nBadScore, loaded: nUnknown, duplicates: 0, stillQuarantined: nBadScore, notReplayable: 0, replayIngestionId: 2 });
    const ingestions = await invariants(path);
    expect(ingestions.map((i) => [i["rows_read"], i["rows_loaded"], i["rows_quarantined"], i["rows_replayed"]])).toEqual([
      [unknownRows.length, unknownRows.length - nUnknown - nBadScore, 0, nUnknown + nBadScore],
      [nUnknown + nBadScore, nUnknown, nBadScore, 0],
    ]);
    const [q] = await query(path, "SELECT source_line, reason FROM raw.quarantine");
    expect(String(q?.["reason"])).toMatch(/recommend_score 11 is outside/);
    expect(q?.["source_line"]).toBe(unknownRows.findIndex((r) => r["recommend_score"] === "11") + 2);
    const [loaded] = await query(path, "SELECT count(*) n, count(DISTINCT response_id) ids FROM raw.responses");
    expect(loaded).toEqual({ n: unknownRows.length - nBadScore, ids: unknownRows.length - nBadScore });

    // Replaying again changes nothing.
    const before = await snapshot(path);
    const [again] = await replay(path);
    expect(again).toMatchObject({ replayed: nBadScore, loaded: 0, replayIngestionId: null });
    expect(await snapshot(path)).toEqual(before);

    // dbt agrees: assert_ingestion_reconciles and every other test pass.
    const built = await runDbt(["build"], { warehouse: path });
    expect(built.exitCode, built.output.slice(-3000)).toBe(0);
    const [marts] = await query(path, "SELECT count(*) n FROM marts.fct_nps_responses");
    expect(marts?.["n"]).toBe(unknownRows.length - nBadScore);
  }, 120_000);

  it("after a mapping fix (timestamp format and time zone): re-typed with the new mapping", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [first] = await ingestInto(path, [dutch]);
    // Only D4 has an ISO timestamp; D5 also has a bad score.
    expect(first).toMatchObject({ rowsRead: 5, loaded: 1, quarantined: 4 });
    const [result] = await replay(path, { mapping: join(fixtures, "dutch-timestamps.yaml") });
    expect(result).toMatchObject({ replayed: 4, loaded: 3, stillQuarantined: 1 });
    const rows = await query(path, "SELECT response_id, strftime(answered_at, '%Y-%m-%d %H:%M') AS utc FROM raw.responses ORDER BY 1");
    expect(rows).toEqual([
      { response_id: "D1", utc: "2025-03-01 08:05" }, // CET, UTC+1
      { response_id: "D2", utc: "2025-07-15 12:30" }, // CEST, UTC+2
      { response_id: "D3", utc: "2025-12-31 22:59" },
      { response_id: "D4", utc: "2025-02-01 08:00" },
    ]);
    const [left] = await query(path, "SELECT response_id, source_line, reason FROM raw.quarantine");
    expect(left).toEqual({ response_id: "D5", source_line: 6, reason: "recommend_score 'x' is not a whole number on the 0–10 scale" });
    await invariants(path);
  });

  it("after a column-mapping fix: reads the unchanged export again with the new mapping", async () => {
    const { writeFileSync } = await import("node:fs");
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    const file = join(dir, "export.csv");
    writeFileSync(file, "id,started,finished,nps\nA1,2026-05-01T10:00:00,2026-05-01T10:05:00,9\nA2,,2026-05-02T11:05:00,4\nA3,,2026-05-03T12:05:00,10\nA4,,,8\n");
    const mapping = (column: string) => {
      const m = join(dir, `${column}.yaml`);
      writeFileSync(m, `name: ${column}\ncolumns:\n  response_id: id\n  answered_at: ${column}\n  recommend_score: nps\n`);
      return m;
    };
    const [first] = await ingestInto(path, [file], mapping("started"));
    expect(first).toMatchObject({ rowsRead: 4, loaded: 1, quarantined: 3 });
    const [result] = await replay(path, { mapping: mapping("finished") });
    expect(result).toMatchObject({ source: "export", replayed: 3, loaded: 2, stillQuarantined: 1 });
    const rows = await query(path, "SELECT response_id, strftime(answered_at, '%H:%M') AS t, _ingestion_id FROM raw.responses ORDER BY 1");
    expect(rows).toEqual([
      { response_id: "A1", t: "10:00", _ingestion_id: 1 },
      { response_id: "A2", t: "11:05", _ingestion_id: 2 },
      { response_id: "A3", t: "12:05", _ingestion_id: 2 },
    ]);
    const [left] = await query(path, "SELECT response_id, source_line, reason FROM raw.quarantine");
    expect(left).toEqual({ response_id: "A4", source_line: 5, reason: 'missing answered_at (column 3 "finished") (required)' });
    await invariants(path);
    // The same replay again changes nothing.
    const before = await snapshot(path);
    expect((await replay(path, { mapping: mapping("finished") }))[0]).toMatchObject({ loaded: 0, replayIngestionId: null });
    expect(await snapshot(path)).toEqual(before);
  });

  it("a replay of a tool export that still fails keeps the reason, naming the export's column, and records nothing", async () => {
    const path = join(tempDir(), "w.duckdb");
    await ingestInto(path, [join(fixtures, "presets", "surveymonkey.csv")]);
    const before = await snapshot(path);
    expect(String(before[0]?.["reasons"])).toMatch(/^recommend_score \(column 10 "How likely/);
    const [result] = await replay(path);
    expect(result).toMatchObject({ source: "stored values", replayed: 1, loaded: 0, replayIngestionId: null });
    expect(await snapshot(path)).toEqual(before);
  });

  it("a quarantined response that another export loads is resolved, and a replay leaves it alone: never loaded twice", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    await ingestInto(path, [dutch]);
    // One of the quarantined responses, with an ISO timestamp, arrives in another export.
    const { writeFileSync } = await import("node:fs");
    const iso = join(dir, "iso.csv");
    writeFileSync(iso, "response_id,answered_at,recommend_score\nD1,2025-03-01T09:05:00+01:00,9\n");
    await ingestInto(path, [iso]);
    expect(await query(path, "SELECT resolved_by_ingestion FROM raw.quarantine WHERE response_id = 'D1'")).toEqual([{ resolved_by_ingestion: 2 }]);
    const [result] = await replay(path, { file: dutch, mapping: join(fixtures, "dutch-timestamps.yaml") });
    expect(result).toMatchObject({ replayed: 3, loaded: 2, duplicates: 0, stillQuarantined: 1 });
    const [n] = await query(path, "SELECT count(*) n FROM raw.responses WHERE response_id = 'D1'");
    expect(n?.["n"]).toBe(1);
    await invariants(path);
  });
});

describe("promotor quarantine list | show (CLI)", () => {

  it("lists rows by file and reason with line numbers, and shows one row's values", async () => {
    const path = join(tempDir(), "w.duckdb");
    await ingestInto(path, [dutch]);
    const list = capture();
    expect(await main(["quarantine", "list", "--rows", "--warehouse", path], list.io)).toBe(0);
    expect(list.out()).toMatch(/dutch-timestamps\.csv\s+3\s+answered_at … is not a timestamp in ISO 8601.*\s2, 3, 4\n/);
    expect(list.out()).toContain(`1:5  ${dutch}:6  D5`);
    const show = capture();
    expect(await main(["quarantine", "show", "1:2", "--warehouse", path], show.io)).toBe(0);
    expect(show.out()).toContain(`${dutch}:3 (row 2, ingestion #1)`);
    expect(show.out()).toMatch(/answered_at\s+15-7-2025 14:30/);
    const missing = capture();
    expect(await main(["quarantine", "show", "9:9", "--warehouse", path], missing.io)).not.toBe(0);
    expect(missing.err()).toContain("no quarantined row 9:9");
  });

  it("ingesting the same file again points to replay for its quarantined rows", async () => {
    const path = join(tempDir(), "w.duckdb");
    await ingestInto(path, [dutch]);
    const c = capture();
    expect(await main(["ingest", dutch, "--warehouse", path], c.io)).toBe(0);
    expect(c.err()).toContain("already ingested as #1");
    expect(c.err()).toContain(`4 of its rows are in quarantine: after fixing the journey map or the mapping, bring them back with promotor quarantine replay --file ${dutch}`);
  });

  it("replay through the CLI reports per file and exits 0", async () => {
    const path = join(tempDir(), "w.duckdb");
    await ingestInto(path, [dutch]);
    const c = capture();
    expect(await main(["quarantine", "replay", "--mapping", join(fixtures, "dutch-timestamps.yaml"), "--warehouse", path], c.io)).toBe(0);
    expect(c.out()).toMatch(/dutch-timestamps\.csv\s+export\s+4\s+3\s+0\s+1\s+0\s+ingestion #2/);
  });
});
