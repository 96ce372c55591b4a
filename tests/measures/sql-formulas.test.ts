/** The measure SQL itself (before Cube) evaluated by DuckDB on hand-countable values equals an
 * independent computation: NPS margin of error, proportion margin of error, Pearson r. */
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { npsMarginOfErrorSql, pearsonSql, proportionMarginOfErrorSql } from "../../src/measures/index.ts";

async function scalar(sql: string): Promise<unknown> {
  const db = await DuckDBInstance.create(":memory:");
  const c = await db.connect();
  try {
    const r = await c.runAndReadAll(`SELECT ${sql} AS v`);
    return r.getRowObjectsJS()[0]!["v"];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe("measure SQL on DuckDB", () => {
  it("NPS margin of error for 5 P / 2 D of 10, and null for n = 0", async () => {
    expect(await scalar(npsMarginOfErrorSql("5", "2", "10"))).toBeCloseTo(196 * Math.sqrt(0.061), 10);
    expect(await scalar(npsMarginOfErrorSql("0", "0", "0"))).toBeNull();
    expect(await scalar(npsMarginOfErrorSql("7", "0", "7"))).toBe(0);
  });
  it("proportion margin of error: p = .8, n = 25 -> 196·√(.16/25) = 15.68", async () => {
    expect(await scalar(proportionMarginOfErrorSql("20", "25"))).toBeCloseTo(15.68, 10);
  });
  it("Pearson r from sums: x = 1,2,3,4 / y = 2,4,5,9", async () => {
    // means 2.5 / 5; Σdxdy = 1.5·3 + .5·1 + .5·0 + 1.5·4 = 11; Σdx² = 5; Σdy² = 9 + 1 + 0 + 16 = 26
    const expected = 11 / Math.sqrt(5 * 26);
    const xs = [1, 2, 3, 4];
    const ys = [2, 4, 5, 9];
    const sum = (f: (i: number) => number) => String(xs.reduce((a, _x, i) => a + f(i), 0));
    const sql = pearsonSql("4", sum((i) => xs[i]!), sum((i) => ys[i]!), sum((i) => xs[i]! * ys[i]!), sum((i) => xs[i]! ** 2), sum((i) => ys[i]! ** 2));
    expect(await scalar(sql)).toBeCloseTo(expected, 12);
    // no variance in x -> null; n = 1 -> null
    expect(await scalar(pearsonSql("3", "15", "6", "30", "75", "14"))).toBeNull();
    expect(await scalar(pearsonSql("1", "7", "9", "63", "49", "81"))).toBeNull();
  });
});
