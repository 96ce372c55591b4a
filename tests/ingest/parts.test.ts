// Large CSV exports are read in parts side by side (src/ingest/split.ts): every record must land
// exactly where a single scan of the whole file puts it, with the same source row and line.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findCuts } from "../../src/ingest/split.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const HEADER = "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,recommend_score,recommend_reason,csat";

/** An export with the things that move record boundaries: quoted commas, line breaks inside
 * quotes, doubled quotes, CRLF, a BOM, no final line break; plus bad rows and duplicates. */
function awkwardExport(rows: number): string {
  const lines: string[] = [HEADER];
  for (let i = 1; i <= rows; i++) {
    const id = `R${String(i).padStart(5, "0")}`;
    const touch = i % 3 === 0 ? "touchpoint,claim" : "relationship,";
    let score = String(i % 11);
    if (i % 97 === 0) score = "7,5"; // not a whole number: quarantined (quoted, see below)
    if (i % 89 === 0) score = "11"; // outside the scale
    let reason = "";
    if (i % 5 === 0) reason = `"snel, vriendelijk"`;
    if (i % 7 === 0) reason = `"eerste regel\ntweede regel"`;
    if (i % 11 === 0) reason = `"hij zei ""top"", echt"`;
    const scoreField = score.includes(",") ? `"${score}"` : score;
    lines.push(`${id},C${i % 40},2026-0${1 + (i % 9)}-1${i % 10}T10:00:0${i % 10},${touch},web,nl,${scoreField},${reason},${1 + (i % 5)}`);
  }
  // An exact duplicate of row 10 and a conflicting one of row 20, late in the file.
  lines.push(lines[10]!);
  lines.push(lines[20]!.replace(/,web,nl,\d+,/, ",web,nl,3,"));
  return `\ufeff${lines.join("\r\n")}`;
}

const saved = process.env["PROMOTOR_INGEST_SPLIT"];
afterEach(() => {
  if (saved === undefined) delete process.env["PROMOTOR_INGEST_SPLIT"];
  else process.env["PROMOTOR_INGEST_SPLIT"] = saved;
});

async function ingestWith(mode: "always" | "off", file: string, dir: string) {
  process.env["PROMOTOR_INGEST_SPLIT"] = mode;
  const path = join(dir, `${mode}.duckdb`);
  const [result] = await ingestInto(path, [file]);
  const responses = await query(path, "SELECT * EXCLUDE (_ingestion_id) FROM raw.responses ORDER BY _source_row");
  const quarantine = await query(path, "SELECT source_line, source_row, response_id, reason, CAST(raw_values AS VARCHAR) AS raw_values FROM raw.quarantine ORDER BY source_row");
  return { result: result!, responses, quarantine };
}

describe("findCuts", () => {
  it("cuts at record boundaries only, with the rows before each part and its record count", () => {
    const dir = tempDir();
    const file = join(dir, "e.csv");
    const text = awkwardExport(500);
    writeFileSync(file, text);
    const lines = text.split("\n");
    // Independent count: every record starts with its response id; the second line of a value
    // with a line break inside quotes does not.
    const recordsIn = (from: number, to: number): number => lines.slice(from, to).filter((l) => /^R\d{5},/.test(l)).length;
    for (const n of [2, 3, 7]) {
      const { parts } = findCuts(file, Buffer.byteLength(text), n);
      expect(parts).toHaveLength(n);
      expect(parts[0]!.skipRows).toBe(0);
      // The physical line where each part starts: after its skipped rows (header + records).
      const startLine = (rowsBefore: number): number => {
        let seen = 0;
        for (let l = 1; l < lines.length; l++) if (/^R\d{5},/.test(lines[l]!) && ++seen === rowsBefore) return l;
        return -1;
      };
      for (const [k, part] of parts.entries()) {
        const from = k === 0 ? 1 : startLine(part.skipRows);
        const to = k === parts.length - 1 ? lines.length : startLine(parts[k + 1]!.skipRows);
        expect(lines[from]).toMatch(/^R\d{5},/);
        expect(part.records).toBe(recordsIn(from, to));
        // Parts are near 1/n of the bytes each (every record is short).
        if (k > 0) expect(Math.abs(lines.slice(0, from).join("\n").length - (k * text.length) / n)).toBeLessThan(200);
      }
      // 500 rows + 2 duplicates.
      expect(parts.reduce((a, p) => a + p.records, 0)).toBe(502);
    }
  });

  it("hashes the file as sha256 does", async () => {
    const dir = tempDir();
    const file = join(dir, "e.csv");
    writeFileSync(file, awkwardExport(50));
    const { sha256File } = await import("../../src/ingest/ingest.ts");
    expect(findCuts(file, readFileSync(file).length, 2).sha256).toBe(await sha256File(file));
  });
});

describe("ingest in parts", () => {
  it("loads, quarantines and de-duplicates exactly as one scan does, with the same source rows and lines", async () => {
    const dir = tempDir();
    const file = join(dir, "awkward.csv");
    writeFileSync(file, awkwardExport(3000));
    const parts = await ingestWith("always", file, dir);
    const whole = await ingestWith("off", file, dir);
    expect(parts.result.parts).toBeGreaterThan(1);
    expect(whole.result.parts).toBe(1);
    expect(parts.responses).toEqual(whole.responses);
    expect(parts.quarantine).toEqual(whole.quarantine);
    // Independent counts: 3000 rows; bad scores at multiples of 97 and 89 (none at both);
    // one exact duplicate, one conflicting duplicate.
    const bad = Math.floor(3000 / 97) + Math.floor(3000 / 89);
    expect(parts.result).toMatchObject({ rowsRead: 3002, loaded: 3000 - bad, quarantined: bad + 1, duplicates: 1 });
    // Source rows are the record's place in the file: row 7 carries the 7th response.
    const row7 = parts.responses.find((r) => r["_source_row"] === 7);
    expect(row7?.["response_id"]).toBe("R00007");
    expect(row7?.["recommend_reason"]).toBe("eerste regel\ntweede regel");
    // The quarantined '7,5' of row 97 is on line 97 + 1 (header) + the line breaks inside quotes
    // before it (rows divisible by 7 but not by 11, whose reason wins).
    const breaks = Array.from({ length: 96 }, (_, k) => k + 1).filter((i) => i % 7 === 0 && i % 11 !== 0).length;
    const r97 = parts.quarantine.find((r) => r["response_id"] === "R00097");
    expect(r97?.["source_line"]).toBe(98 + breaks);
  });

  it("falls back to one scan when DuckDB rejects a malformed record, and accounts for it the same way", async () => {
    const dir = tempDir();
    const file = join(dir, "malformed.csv");
    const text = awkwardExport(400).split("\r\n");
    text.splice(200, 0, "R99999,C1,2026-01-01T00:00:00,relationship"); // too few fields
    writeFileSync(file, text.join("\r\n"));
    const parts = await ingestWith("always", file, dir);
    const whole = await ingestWith("off", file, dir);
    expect(parts.result.parts).toBe(1);
    expect(parts.responses).toEqual(whole.responses);
    expect(parts.quarantine).toEqual(whole.quarantine);
    expect(parts.quarantine.some((r) => String(r["reason"]).startsWith("malformed CSV record: too few fields"))).toBe(true);
  });
});
