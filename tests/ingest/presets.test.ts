/** Survey-tool presets: each fixture (tests/fixtures/presets/) is recognised by its fixed
 * columns, mapped by header text, and its times land in UTC. Counts are checked against the
 * fixture read by the test's own CSV parser; times against hand-converted values. */
import { join } from "node:path";
import readXlsxFile from "read-excel-file/node";
import { describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { canonicalMapping, loadMapping, PRESETS, resolveTimestampFormats } from "../../src/ingest/mapping.ts";
import { timestampSql } from "../../src/ingest/ingest.ts";
import { parseCsv } from "../helpers/csv.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const dir = join(import.meta.dirname, "..", "fixtures", "presets");
const isScore = (v: unknown) => /^\d{1,2}$/.test(String(v ?? "")) && Number(v) <= 10;
function npsOf(scores: number[]) {
  const p = scores.filter((s) => s >= 9).length;
  const d = scores.filter((s) => s <= 6).length;
  return { n: scores.length, p, d };
}

async function ingestOne(file: string) {
  const path = join(tempDir(), "w.duckdb");
  const [result] = await ingestInto(path, [file]);
  const rows = await query(path, "SELECT response_id, customer_id, strftime(answered_at, '%Y-%m-%d %H:%M:%S') AS utc, recommend_score, recommend_reason FROM raw.responses ORDER BY _source_row");
  const quarantine = await query(path, "SELECT source_line, reason FROM raw.quarantine ORDER BY source_line");
  return { result: result!, rows, quarantine };
}

describe("presets for survey tools", () => {
  it("every preset file loads and names the columns an export of that tool has", () => {
    for (const name of ["google-forms", "microsoft-forms", "surveymonkey", "typeform", "qualtrics"]) {
      const m = loadMapping(name);
      expect(m.source).toBe(PRESETS[name]);
      expect(m.columns["answered_at"]).toBeTruthy();
      expect(m.columns["recommend_score"]).toBeTruthy();
    }
  });

  it("Google Forms: question-text headers, M/D/YYYY H:MM:SS in Amsterdam time, generated ids", async () => {
    const file = join(dir, "google-forms.csv");
    const fixture = parseCsv(file);
    const scoreColumn = fixture.header[1]!;
    const valid = fixture.rows.filter((r) => isScore(r[scoreColumn]));
    const { result, rows, quarantine } = await ingestOne(file);
    expect(result).toMatchObject({ mapping: "google-forms", rowsRead: fixture.rows.length, loaded: valid.length, quarantined: fixture.rows.length - valid.length, generatedIds: fixture.rows.length });
    expect(npsOf(rows.map((r) => Number(r["recommend_score"])))).toEqual(npsOf(valid.map((r) => Number(r[scoreColumn]))));
    // 11/1/2019 8:51:12 CET (UTC+1); 3/31/2019 1:30 is still CET (the clock moves at 2:00).
    expect(rows[0]).toMatchObject({ utc: "2019-11-01 07:51:12", customer_id: "anna@example.nl", recommend_reason: "Quick, friendly help" });
    expect(rows.at(-1)).toMatchObject({ utc: "2019-03-31 00:30:00", recommend_reason: 'Fine, "mostly"' });
    // Google Forms' own download writes the offset: 10:27:58 AM GMT+1 and 3:05 PM GMT-4.
    expect(rows.find((r) => r["recommend_reason"] === "Downloaded from Forms itself")?.["utc"]).toBe("2019-11-06 09:27:58");
    expect(rows.find((r) => r["recommend_reason"] === "Offset west of UTC")?.["utc"]).toBe("2019-11-06 19:05:00");
    expect(quarantine).toEqual([{ source_line: fixture.rows.findIndex((r) => !isScore(r[scoreColumn])) + 2, reason: `missing recommend_score (column 2 "${scoreColumn.slice(0, 57)}...") (required)` }]);
  });

  it("SurveyMonkey: two header rows, MM/DD/YYYY hh:mm:ss AM/PM", async () => {
    const file = join(dir, "surveymonkey.csv");
    const fixture = parseCsv(file);
    const data = fixture.rows.slice(1); // the second header row
    const scoreColumn = fixture.header[9]!;
    const valid = data.filter((r) => isScore(r[scoreColumn]));
    const { result, rows, quarantine } = await ingestOne(file);
    expect(result).toMatchObject({ mapping: "surveymonkey", rowsRead: data.length, loaded: valid.length, quarantined: data.length - valid.length });
    expect(rows.map((r) => r["response_id"])).toEqual(valid.map((r) => r["Respondent ID"]));
    expect(rows[0]).toMatchObject({ utc: "2020-11-18 14:34:15", recommend_score: 10 }); // 03:34:15 PM CET
    expect(rows.at(-1)).toMatchObject({ utc: "2020-11-20 21:05:00" }); // 10:05:00 PM CET
    expect(quarantine).toEqual([{ source_line: 7, reason: `recommend_score (column 10 "${scoreColumn.slice(0, 57)}...") '7,5' is not a whole number on the 0–10 scale` }]);
  });

  it("Typeform: # as response id, Submit Date (UTC), hidden field customer_id", async () => {
    const file = join(dir, "typeform.csv");
    const fixture = parseCsv(file);
    const scoreColumn = fixture.header[1]!;
    const valid = fixture.rows.filter((r) => isScore(r[scoreColumn]));
    const { result, rows } = await ingestOne(file);
    expect(result).toMatchObject({ mapping: "typeform", rowsRead: fixture.rows.length, loaded: valid.length, quarantined: fixture.rows.length - valid.length });
    expect(rows.map((r) => [r["response_id"], r["utc"], r["customer_id"]])).toEqual(valid.map((r) => [r["#"], r["Submit Date (UTC)"], r["customer_id"] || null]));
  });

  it("Microsoft Forms (.xlsx): Excel dates and an unformatted Excel serial, 7.5 in a number cell is a bad row", async () => {
    const file = join(dir, "microsoft-forms.xlsx");
    const [sheet] = await readXlsxFile(file);
    const data = sheet!.data.slice(1);
    const valid = data.filter((r) => Number.isInteger(Number(r[5])) && String(r[5]) === String(Number(r[5])));
    const { result, rows, quarantine } = await ingestOne(file);
    expect(result).toMatchObject({ mapping: "microsoft-forms", format: 'xlsx (sheet "Sheet1")', rowsRead: data.length, loaded: valid.length, quarantined: data.length - valid.length });
    expect(rows.map((r) => [r["response_id"], r["utc"]])).toEqual([
      ["1", "2026-03-29 00:12:30"], // 01:12:30 CET, before the clock moves
      ["2", "2026-03-29 01:14:00"], // 03:14 CEST
      ["3", "2026-06-01 10:05:00"],
      ["5", "2026-11-30 23:01:00"], // 00:01 CET on 1 December
      ["6", "2026-07-01 07:00:00"], // serial 46204.375 = 2026-07-01 09:00 CEST
    ]);
    expect(rows.find((r) => r["response_id"] === "1")?.["customer_id"]).toBeNull(); // "anonymous"
    // Excel row 5, column F: where a person finds the cell.
    expect(quarantine).toEqual([{ source_line: 5, reason: `recommend_score (column F "${String(sheet!.data[0]![5]).slice(0, 57)}...") '7.5' is not a whole number on the 0–10 scale` }]);
  });

  it("a folder of exports from several tools ingests in one go, each with its preset", async () => {
    const path = join(tempDir(), "w.duckdb");
    const results = await ingestInto(path, [join(dir, "google-forms.csv"), join(dir, "microsoft-forms.xlsx"), join(dir, "surveymonkey.csv"), join(dir, "typeform.csv")]);
    expect(results.map((r) => r.mapping)).toEqual(["google-forms", "microsoft-forms", "surveymonkey", "typeform"]);
    const [n] = await query(path, "SELECT count(*) n FROM raw.responses");
    expect(n?.["n"]).toBe(results.reduce((a, r) => a + r.loaded, 0));
  });

  it("timestamp_format: named layouts, strptime formats and excel; an unknown layout is refused with the choices", () => {
    expect(resolveTimestampFormats("M/D/YYYY H:MM:SS", "m.yaml").strptime).toContain("%m/%d/%Y %H:%M:%S");
    expect(resolveTimestampFormats(["D-M-YYYY HH:MM", "excel"], "m.yaml")).toMatchObject({ excel: true, strptime: ["%d-%m-%Y %H:%M", "%d-%m-%Y %H:%M:%S"] });
    expect(resolveTimestampFormats("%d.%m.%Y", "m.yaml").strptime).toEqual(["%d.%m.%Y"]);
    expect(() => resolveTimestampFormats("DD.MM.YYYY", "m.yaml")).toThrow(/not a known layout/);
  });

  it("UTC mapping: the plain-cast fast path never ignores an offset", async () => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    await c.run("SET TimeZone = 'UTC'");
    const cases: [string, string | null][] = [
      ["2025-04-01T09:15:00", "2025-04-01 09:15:00"],
      ["2025-04-01T9:15:00Z", "2025-04-01 09:15:00"], // 19 characters, no colon at 17: general path
      ["2025-04-01T09:15:00+02:00", "2025-04-01 07:15:00"],
      ["2025-04-01 09:15:00Z", "2025-04-01 09:15:00"],
      ["2025-02-31T09:15:00", null],
    ];
    for (const [text, expected] of cases) {
      const r = await c.runAndReadAll(`SELECT strftime(${timestampSql("t", canonicalMapping())}, '%Y-%m-%d %H:%M:%S') FROM (SELECT '${text}' AS t)`);
      expect([text, r.getRows()[0]?.[0] ?? null]).toEqual([text, expected]);
    }
    c.closeSync();
    db.closeSync();
  });
});
