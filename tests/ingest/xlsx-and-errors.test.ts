/** .xlsx workbooks (sheet choice, the same validation as CSV) and read errors that name the
 * file, line and column and say what to do; no database error text on its own. */
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeXlsx } from "../../src/bench/xlsx.ts";
import { main } from "../../src/cli/main.ts";
import { ingestFile } from "../../src/ingest/ingest.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

async function ingestError(file: string, options: Parameters<typeof ingestFile>[2] = {}): Promise<PromotorError> {
  const w = await openWarehouse(join(tempDir(), "w.duckdb"));
  try {
    await ingestFile(w.connection, file, options);
  } catch (error) {
    return error as PromotorError;
  } finally {
    w.close();
  }
  throw new Error("expected the ingest to fail");
}

describe(".xlsx workbooks", () => {
  const dir = tempDir();
  const book = join(dir, "export.xlsx");
  const header = ["response_id", "answered_at", "recommend_score", "recommend_reason", "csat"];
  writeXlsx(book, [
    { name: "Info", rows: [["This workbook was exported on 2026-11-30"]] },
    {
      name: "Antwoorden",
      rows: [
        header,
        ["X1", new Date("2026-11-02T10:00:00Z"), 9, "Prima", 5],
        ["X2", "2026-11-03T11:00:00", "7,5", "text 7,5", null],
        ["X3", new Date("2026-11-04T12:30:00Z"), 7.5, "number 7.5", 4],
        [],
        ["X5", 46330.5, 10, "serial without date format", 6],
        ["X6", "31-02-2026", 8, null, null],
      ],
    },
  ]);

  it("reads the sheet given by --sheet; rows are numbered as in Excel; 7,5 and 7.5 are bad rows", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [r] = await ingestInto(path, [book], undefined, { sheet: "Antwoorden" });
    // 6 data rows (one of them empty): X1 loads; X5's serial is not a timestamp without timestamp_format: excel.
    expect(r).toMatchObject({ format: 'xlsx (sheet "Antwoorden")', rowsRead: 6, loaded: 1, quarantined: 5 });
    const q = await query(path, "SELECT source_line, reason FROM raw.quarantine ORDER BY source_line");
    expect(q).toEqual([
      { source_line: 3, reason: "recommend_score '7,5' is not a whole number on the 0–10 scale" },
      { source_line: 4, reason: "recommend_score '7.5' is not a whole number on the 0–10 scale" },
      { source_line: 5, reason: "missing response_id (required); missing answered_at (required); missing recommend_score (required)" },
      { source_line: 6, reason: "answered_at '46330.5' is not a timestamp in ISO 8601 (YYYY-MM-DDTHH:MM:SS); set timestamp_format in the mapping for other layouts; csat 6 is outside the 1–5 scale" },
      { source_line: 7, reason: "answered_at '31-02-2026' is not a timestamp in ISO 8601 (YYYY-MM-DDTHH:MM:SS); set timestamp_format in the mapping for other layouts" },
    ]);
    const [x1] = await query(path, "SELECT strftime(answered_at, '%Y-%m-%d %H:%M:%S') AS at, recommend_score, csat FROM raw.responses");
    expect(x1).toEqual({ at: "2026-11-02 10:00:00", recommend_score: 9, csat: 5 });
  });

  it("reads the first sheet by default, and names the sheets when --sheet is wrong", async () => {
    const first = await ingestError(book);
    expect(first.describe()).toContain(`${book}:1: the export has no column for answered_at`);
    expect(first.hint).toContain('is it the right sheet? (read: xlsx (sheet "Info")');
    const wrong = await ingestError(book, { sheet: "Responses" });
    expect(wrong.describe()).toContain('the workbook has no sheet "Responses"');
    expect(wrong.hint).toContain('"Info", "Antwoorden"');
  });

  it("ingests 1,000 rows and is idempotent by file content", async () => {
    const big = join(dir, "big.xlsx");
    const rows = Array.from({ length: 1000 }, (_, i) => [`B${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)), i % 11, null, null]);
    writeXlsx(big, [{ name: "Sheet1", rows: [header, ...rows] }]);
    const path = join(tempDir(), "w.duckdb");
    const [a, b] = await ingestInto(path, [big, big]);
    expect(a).toMatchObject({ rowsRead: 1000, loaded: 1000 });
    expect(b?.alreadyIngested?.ingestionId).toBe(1);
  });
});

describe("errors name the file, line and column, and the fix", () => {
  it("an unclosed quote: the line and column where the quoted value starts", async () => {
    const file = join(tempDir(), "unclosed.csv");
    writeFileSync(file, 'response_id;answered_at;recommend_score;recommend_reason\r\nA1;2026-01-01T10:00:00;9;"Goed\r\nA2;2026-01-01T10:00:00;8;Prima\r\nA3;2026-01-01T10:00:00;7;"Gesloten"\r\n');
    const error = await ingestError(file);
    expect(error).toBeInstanceOf(PromotorError);
    expect(error.line).toBe(2);
    expect(error.column).toBe(26);
    expect(error.describe()).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:2:26: unclosed quote: .*column "recommend_reason"`));
    expect(error.hint).toContain("close the quote");
    expect(error.describe()).not.toMatch(/Invalid Input Error|sniffing/);
  });

  it("a quoted value with a line break and escaped quotes is not mistaken for an unclosed one", async () => {
    const file = join(tempDir(), "fine.csv");
    writeFileSync(file, 'response_id,answered_at,recommend_score,recommend_reason\nA1,2026-01-01T10:00:00,9,"Regel 1\nregel ""2"""\nA2,2026-01-01T10:00:00,8,"x\n');
    const error = await ingestError(file);
    expect(error.line).toBe(4);
  });

  it("a CSV saved under an .xlsx name is read as the CSV it is, and says so", async () => {
    const file = join(tempDir(), "export.xlsx");
    copyFileSync(join(fixtures, "no-response-id.csv"), file);
    const [r] = await ingestInto(join(tempDir(), "w.duckdb"), [file]);
    expect(r?.format).toBe("csv named .xlsx (,)");
    expect(r?.loaded).toBeGreaterThan(0);
  });

  it("an .xls workbook, a ZIP and a damaged .xlsx are refused with what to do", async () => {
    const dir = tempDir();
    const xls = join(dir, "old.xls");
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    expect((await ingestError(xls)).describe()).toMatch(/Excel 97–2003 workbook \(\.xls\)[\s\S]*fix: open it in Excel and save it as Excel Workbook/);
    const damaged = join(dir, "damaged.xlsx");
    writeFileSync(damaged, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect((await ingestError(damaged)).describe()).toMatch(/cannot read the Excel workbook[\s\S]*fix: /);
  });

  it("the CLI prints file:line:column and the fix, and exits non-zero", async () => {
    const file = join(tempDir(), "unclosed.csv");
    writeFileSync(file, 'response_id,answered_at,recommend_score\nA1,2026-01-01T10:00:00,9\nA2,"2026-01-01T10:00:00,8\n');
    let err = "";
    const io = { stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }) };
    expect(await main(["ingest", file, "--warehouse", join(tempDir(), "w.duckdb")], io)).toBe(2);
    expect(err).toContain(`${file}:3:4: unclosed quote`);
    expect(err).toContain("fix: close the quote");
  });
});
