/** Bad files get a true diagnosis (issue 27): a Windows-1252 export is read whole (converted, with
 * a notice) or refused whole, never loaded in part; a 10 MB value quarantines its row only, with
 * the real line and column, and stays replayable; a corrected file ingested again resolves the
 * rows it loads, and the data-quality mart counts only the open ones. Small fixtures under
 * tests/fixtures/encoding and files written here; the real CLI in-process, the real dbt build. */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { capture } from "../helpers/capture.ts";
import { query, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "encoding");
const HEADER = "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,segment,business_unit,account_manager,recommend_score,recommend_reason";
const line = (id: string, score: number, reason: string) => `${id},c-${id},2026-10-01 10:00:00,relationship,,email,nl,particulier,retail,Bob Jansen,${score},${reason}`;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(argv, io.io);
  return { code, out: io.out(), err: io.err() };
}

describe("the encoding of an export, decided for the whole file", () => {
  it("a Windows-1252 export loads every row with its accents, euro sign and curly quotes, with a notice", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    const run = await cli("--warehouse", warehouse, "ingest", join(fixtures, "windows-1252.csv"));
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/note: not UTF-8 \(first at line 2\): read as Windows-1252 \(Latin-1\) and converted to UTF-8/);
    // Independent: the fixture decoded by Node's own Windows-1252 decoder.
    const expected = new TextDecoder("windows-1252").decode(readFileSync(join(fixtures, "windows-1252.csv"))).trim().split(/\r\n/).slice(1).map((l) => l.split(";"));
    const rows = await query(warehouse, "SELECT response_id, account_manager, recommend_reason FROM raw.responses ORDER BY response_id");
    expect(rows).toEqual(expected.map((f) => ({ response_id: f[0], account_manager: f[9], recommend_reason: f[11] })));
    expect(rows.map((r) => r["recommend_reason"]).join(" ")).toContain("€ 12 per maand, ‘onbegrijpelijk’");
    const [ingestion] = await query(warehouse, "SELECT file_format, rows_read, rows_loaded, rows_quarantined FROM raw.ingestions");
    expect(ingestion).toEqual({ file_format: "csv (;, CRLF, windows-1252)", rows_read: 4, rows_loaded: 4, rows_quarantined: 0 });
  });

  it("--encoding windows-1252 reads it without guessing; --encoding utf-8 refuses it whole, exit 2", async () => {
    const said = join(tempDir(), "w.duckdb");
    const ok = await cli("--warehouse", said, "ingest", join(fixtures, "windows-1252.csv"), "--encoding", "latin-1");
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/read as Windows-1252 \(Latin-1\), as the mapping or --encoding says/);
    const refused = join(tempDir(), "w.duckdb");
    const no = await cli("--warehouse", refused, "ingest", join(fixtures, "windows-1252.csv"), "--encoding", "utf-8");
    expect(no.code).toBe(2);
    expect(no.err).toMatch(/windows-1252\.csv:2: the file is not UTF-8, though the mapping or --encoding says it is; nothing of it was loaded/);
    expect(no.err).toMatch(/fix: save it as CSV UTF-8/);
    expect(await query(refused, "SELECT count(*) AS n FROM raw.responses")).toEqual([{ n: 0 }]);
    expect((await cli("--warehouse", refused, "ingest", join(fixtures, "windows-1252.csv"), "--encoding", "ebcdic")).err).toMatch(/unknown encoding "ebcdic"/);
  });

  it("a file that mixes UTF-8 and Windows-1252 is refused whole with the first bad line, exit 2", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    const run = await cli("--warehouse", warehouse, "ingest", join(fixtures, "mixed.csv"));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/mixed\.csv:2: the file mixes two encodings: line 2 has bytes that are not UTF-8/);
    expect(await query(warehouse, "SELECT count(*) AS n FROM raw.responses")).toEqual([{ n: 0 }]);
    expect(await query(warehouse, "SELECT count(*) AS n FROM raw.quarantine")).toEqual([{ n: 0 }]);
  });
});

describe("a 10 MB value in one row", () => {
  const dir = tempDir();
  const file = join(dir, "long.csv");
  const warehouse = join(dir, "w.duckdb");
  const long = `"${"lang verhaal ".repeat(900_000)}"`; // 11.7 MB, quoted as Excel writes it

  beforeAll(() => {
    writeFileSync(file, [HEADER, line("L1", 9, "goed"), line("L2", 3, "slecht"), line("L3", 7, long), line("L4", 10, "top")].join("\n") + "\n");
  });

  it("quarantines that row only, naming its real line and column; the rest loads", async () => {
    const run = await cli("--warehouse", warehouse, "ingest", file);
    expect(run.code).toBe(0);
    expect(await query(warehouse, "SELECT response_id FROM raw.responses ORDER BY 1")).toEqual([{ response_id: "L1" }, { response_id: "L2" }, { response_id: "L4" }]);
    const [q] = await query(warehouse, "SELECT source_line, source_row, response_id, reason FROM raw.quarantine");
    expect(q).toEqual({ source_line: 4, source_row: 3, response_id: "L3", reason: "recommend_reason holds a value of 11.7 MB (at most 10 MB): a quote left open, or a document pasted into the cell?" });
    const [counts] = await query(warehouse, "SELECT rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.ingestions");
    expect(counts).toEqual({ rows_read: 4, rows_loaded: 3, rows_quarantined: 1, rows_duplicate: 0 });
  });

  it("keeps the value (nothing lost) and replays it within DuckDB's memory limit, still quarantined", async () => {
    const [kept] = await query(warehouse, "SELECT strlen(raw_values->>'recommend_reason') AS n FROM raw.quarantine");
    expect(kept!["n"]).toBe(long.slice(1, -1).trim().length); // without its quotes, trimmed as every value is
    const replay = await cli("--warehouse", warehouse, "quarantine", "replay");
    expect(replay.code).toBe(0);
    expect(replay.out).toMatch(/long\.csv\s+stored values\s+1\s+0\s+0\s+1\s+0\s+nothing changed/);
  });
});

describe("a corrected file ingested again", () => {
  it("marks the rows it loads as resolved: quarantine list and the data-quality mart count only open ones", async () => {
    const dir = tempDir();
    const warehouse = join(dir, "w.duckdb");
    const file = join(dir, "export.csv");
    writeFileSync(file, [HEADER, line("R1", 9, "goed"), line("R2", 11, "score te hoog"), line("R3", 12, "ook te hoog"), line("R4", 8, "ok")].join("\n") + "\n");
    expect((await cli("--warehouse", warehouse, "ingest", file)).code).toBe(0);
    expect(await query(warehouse, "SELECT count(*) AS n FROM raw.quarantine WHERE resolved_by_ingestion IS NULL")).toEqual([{ n: 2 }]);
    // The CX analyst corrects R2 in the survey tool's export; R3 stays wrong.
    copyFileSync(file, join(dir, "before.csv"));
    writeFileSync(file, [HEADER, line("R1", 9, "goed"), line("R2", 1, "score te hoog"), line("R3", 12, "ook te hoog"), line("R4", 8, "ok")].join("\n") + "\n");
    const again = await cli("--warehouse", warehouse, "ingest", file);
    expect(again.code).toBe(0);
    expect(again.err).toMatch(/1 row\(s\) quarantined by earlier ingestions are now loaded from this file: marked resolved/);
    expect(await query(warehouse, "SELECT response_id, ingestion_id, resolved_by_ingestion FROM raw.quarantine ORDER BY ingestion_id, response_id")).toEqual([
      { response_id: "R2", ingestion_id: 1, resolved_by_ingestion: 2 },
      { response_id: "R3", ingestion_id: 1, resolved_by_ingestion: null },
      { response_id: "R3", ingestion_id: 2, resolved_by_ingestion: null },
    ]);
    const list = await cli("--warehouse", warehouse, "quarantine", "list");
    expect(list.out).toMatch(/export\.csv\s+2\s+recommend_score … is outside the 0–10 scale/);
    expect(list.out).toMatch(/1 row\(s\) were loaded after all by a later ingestion of the corrected file \(resolved; promotor quarantine list --resolved\)/);
    expect((await cli("--warehouse", warehouse, "quarantine", "list", "--resolved")).out).toMatch(/Resolved:[^]*export\.csv\s+1\s+recommend_score/);

    const build = await cli("--warehouse", warehouse, "build");
    expect(build.code, build.err).toBe(0);
    expect(await query(warehouse, "SELECT subject, rows FROM marts.fct_data_quality WHERE check_name = 'quarantined_rows'")).toEqual([{ subject: file, rows: 2 }]);
    expect(await query(warehouse, "SELECT ingestion_id, rows_in_quarantine, rows_resolved FROM marts.fct_ingestion_quality ORDER BY 1")).toEqual([
      { ingestion_id: 1, rows_in_quarantine: 1, rows_resolved: 1 },
      { ingestion_id: 2, rows_in_quarantine: 1, rows_resolved: 0 },
    ]);
  }, 180_000);
});
