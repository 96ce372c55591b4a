import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openExecutor, PREPARED_STATEMENTS, type Executor } from "../../src/semantic/executor.ts";
import { PRE_AGGREGATIONS_SCHEMA } from "../../src/semantic/session.ts";

let executor: Executor;
beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), "promotor-executor-")), "w.duckdb");
  const db = await DuckDBInstance.create(file);
  const c = await db.connect();
  await c.run("CREATE SCHEMA marts; CREATE TABLE marts.t AS SELECT * FROM range(10) r(n)");
  c.closeSync();
  db.closeSync();
  executor = await openExecutor(file);
});
afterAll(() => executor.close());

describe("executor: prepared statements kept per SQL text", () => {
  it("prepares a query once and answers it again from the kept statement", async () => {
    const sql = "SELECT count(*)::INTEGER AS n, sum(n)::INTEGER AS s FROM marts.t";
    expect(await executor.query(sql)).toEqual([{ n: 10, s: 45 }]);
    expect(await executor.query(sql)).toEqual([{ n: 10, s: 45 }]);
    expect(executor.preparedSql().filter((s) => s === sql)).toHaveLength(1);
  });

  it("answers from the new table when a rollup it reads was rebuilt", async () => {
    const sql = `SELECT * FROM ${PRE_AGGREGATIONS_SCHEMA}.rollup ORDER BY 1`;
    await executor.run(`CREATE TABLE ${PRE_AGGREGATIONS_SCHEMA}.rollup AS SELECT 1 AS a`);
    expect(await executor.query(sql)).toEqual([{ a: 1 }]);
    await executor.run(`DROP TABLE ${PRE_AGGREGATIONS_SCHEMA}.rollup`);
    await executor.run(`CREATE TABLE ${PRE_AGGREGATIONS_SCHEMA}.rollup AS SELECT 2 AS a, 'x' AS b UNION ALL SELECT 3, 'y'`);
    expect(await executor.query(sql)).toEqual([{ a: 2, b: "x" }, { a: 3, b: "y" }]);
  });

  it("keeps no statement for a query that failed, and prepares it again once it can run", async () => {
    const sql = `SELECT count(*)::INTEGER AS n FROM ${PRE_AGGREGATIONS_SCHEMA}.later`;
    await expect(executor.query(sql)).rejects.toThrow(/later/);
    expect(executor.preparedSql()).not.toContain(sql);
    await executor.run(`CREATE TABLE ${PRE_AGGREGATIONS_SCHEMA}.later AS SELECT 1 AS x`);
    expect(await executor.query(sql)).toEqual([{ n: 1 }]);
  });

  it(`keeps at most ${PREPARED_STATEMENTS} statements, the least recently used going first`, async () => {
    const first = "SELECT 0 AS i";
    await executor.query(first);
    for (let i = 1; i <= PREPARED_STATEMENTS; i++) await executor.query(`SELECT ${i} AS i`);
    const kept = executor.preparedSql();
    expect(kept).toHaveLength(PREPARED_STATEMENTS);
    expect(kept).not.toContain(first);
    expect(kept.at(-1)).toBe(`SELECT ${PREPARED_STATEMENTS} AS i`);
  });
});
