import { DuckDBInstance } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { badRowCount } from "../../src/generate/bad-rows.ts";
import { parseCsv } from "./csv.ts";
import { run } from "./run.ts";

/** Classifies each data record of a canonical file by looking at it, nothing else. */
function classify(records: string[][]): Record<string, number> {
  const counts: Record<string, number> = { decimal: 0, outOfRange: 0, nonNumeric: 0, missingId: 0, badTimestamp: 0, conflicting: 0, exact: 0 };
  const seen = new Map<string, string>();
  for (const r of records.slice(1)) {
    const [id, , at] = r;
    const score = r[10]!;
    const line = r.join("\u0000");
    if (/^\d+,\d+$/.test(score)) counts["decimal"]!++;
    else if (/^-?\d+$/.test(score) && (Number(score) < 0 || Number(score) > 10)) counts["outOfRange"]!++;
    else if (!/^-?\d+$/.test(score)) counts["nonNumeric"]!++;
    if (id === "") counts["missingId"]!++;
    const d = new Date(at + "Z");
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(at!) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 19) !== at) counts["badTimestamp"]!++;
    if (id !== "" && seen.has(id!)) {
      if (seen.get(id!) === line) counts["exact"]!++;
      else counts["conflicting"]!++;
    }
    if (id !== "") seen.set(id!, line);
  }
  return counts;
}

describe("bad rows", () => {
  it("turns a rate into a count and rejects nonsense", () => {
    expect(badRowCount(10_000, 0.001)).toBe(10);
    expect(badRowCount(1000, 0.0034)).toBe(3);
    expect(badRowCount(1000, 7)).toBe(7);
    expect(badRowCount(1000, 0)).toBe(0);
    expect(() => badRowCount(1000, -0.1)).toThrow(RangeError);
    expect(() => badRowCount(1000, 2.5)).toThrow(RangeError);
    expect(() => badRowCount(10, 11)).toThrow(RangeError);
  });

  it("mixes in exactly the documented number of each kind (csv)", async () => {
    // 1000 responses at rate 0.016 -> 16 bad rows over 7 kinds: 3,3,2,2,2,2,2 in the documented order.
    const s = await run({ responses: 1000, badRows: badRowCount(1000, 0.016) });
    const { records, lines } = parseCsv(readFileSync(s.files[0]!.path, "utf8"), ",");
    expect(records).toHaveLength(1 + 1000 + 16);
    expect(classify(records)).toEqual({ decimal: 3, outOfRange: 3, nonNumeric: 2, missingId: 2, badTimestamp: 2, conflicting: 2, exact: 2 });
    // The summary's file:line points at those rows.
    for (const bad of s.badRows) {
      const r = records[lines.indexOf(bad.line)]!;
      expect(r[0]).toBe(bad.responseId);
    }
  });

  it("puts the same bad rows into excel-nl and qualtrics exports", async () => {
    const nl = await run({ responses: 700, badRows: 7, format: "excel-nl" });
    const { records } = parseCsv(readFileSync(nl.files[0]!.path, "utf8").slice(1), ";");
    expect(records).toHaveLength(708);
    expect(classify(records)).toEqual({ decimal: 1, outOfRange: 1, nonNumeric: 1, missingId: 1, badTimestamp: 1, conflicting: 1, exact: 1 });
    expect(records.some((r) => r[10] === "7,5")).toBe(true);

    const qx = await run({ responses: 700, badRows: 7, format: "qualtrics" });
    const q = parseCsv(readFileSync(qx.files[0]!.path, "utf8"), ",").records.slice(3);
    expect(q).toHaveLength(707);
    expect(q.filter((r) => r[8] === "")).toHaveLength(1); // ResponseId
    expect(q.filter((r) => r[17] === "7,5" && r[18] === "")).toHaveLength(1); // Q1 without NPS group
    expect(q.filter((r) => r[7] === "31-02-2025")).toHaveLength(1); // RecordedDate
    const ids = q.map((r) => r[8]).filter((id) => id !== "");
    expect(ids.length - new Set(ids).size).toBe(2); // one conflicting + one exact duplicate
  });

  it("keeps parquet typed: only expressible kinds, and refuses the others", async () => {
    await expect(run({ responses: 100, badRows: 7, format: "parquet" })).rejects.toThrow(/typed/);
    const s = await run({ responses: 400, badRows: 8, format: "parquet", badKinds: ["out_of_range_score", "missing_id", "conflicting_duplicate", "exact_duplicate"] });
    const db = await DuckDBInstance.create(":memory:");
    const con = await db.connect();
    try {
      const path = s.files[0]!.path.replaceAll("'", "''");
      const row = (
        await con.runAndReadAll(
          `SELECT count(*)::INTEGER AS n,
                  count(*) FILTER (WHERE recommend_score NOT BETWEEN 0 AND 10)::INTEGER AS out_of_range,
                  count(*) FILTER (WHERE response_id IS NULL)::INTEGER AS missing,
                  (count(response_id) - count(DISTINCT response_id))::INTEGER AS repeated_ids,
                  (SELECT count(*) FROM (SELECT DISTINCT * FROM '${path}'))::INTEGER AS distinct_rows
           FROM '${path}'`,
        )
      ).getRowObjectsJS()[0]!;
      expect(row).toEqual({ n: 408, out_of_range: 2, missing: 2, repeated_ids: 4, distinct_rows: 406 });
    } finally {
      con.closeSync();
      db.closeSync();
    }
  });
});
