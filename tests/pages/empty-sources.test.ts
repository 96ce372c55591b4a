/** A source with no rows: Evidence's sources step writes its schema but no parquet file, and the
 * build's DuckDB-WASM creates a zero-byte one it cannot read ("too small to be a Parquet file").
 * Promotor writes a real empty table with the source's columns. */
import { DuckDBInstance } from "@duckdb/node-api";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyResults, repairEmptyResults } from "../../src/pages/empty-sources.ts";
import { tempDir } from "./helpers.ts";

describe("sources without rows", () => {
  it("are written as parquet tables with no rows and the source's columns; other files are left alone", async () => {
    const data = tempDir("promotor-empty-");
    const dir = join(data, "promotor", "krs_periods");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "krs_periods.parquet"), "");
    writeFileSync(
      join(dir, "krs_periods.schema.json"),
      JSON.stringify([
        { name: "scope", evidenceType: "string", typeFidelity: "precise" },
        { name: "period", evidenceType: "date", typeFidelity: "precise" },
        { name: "krs", evidenceType: "number", typeFidelity: "precise" },
        { name: "is_current_period", evidenceType: "boolean", typeFidelity: "precise" },
      ]),
    );
    const missing = join(data, "promotor", "nps_rolling");
    mkdirSync(missing, { recursive: true });
    writeFileSync(join(missing, "nps_rolling.schema.json"), JSON.stringify([{ name: "nps", evidenceType: "number", typeFidelity: "precise" }]));
    const full = join(data, "promotor", "labels");
    mkdirSync(full, { recursive: true });
    writeFileSync(join(full, "labels.parquet"), "not touched");
    writeFileSync(join(full, "labels.schema.json"), "[]");
    expect(emptyResults(data).map((e) => e.parquet).sort()).toEqual([join(dir, "krs_periods.parquet"), join(missing, "nps_rolling.parquet")]);

    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await expect(connection.run(`SELECT * FROM read_parquet('${join(dir, "krs_periods.parquet")}')`)).rejects.toThrow(/too small to be a Parquet file/);
      expect((await repairEmptyResults(data)).sort()).toEqual([join(dir, "krs_periods.parquet"), join(missing, "nps_rolling.parquet")]);
      const n = (await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${join(missing, "nps_rolling.parquet")}')`)).getRowObjects();
      expect(Number(n[0]!["n"])).toBe(0);
      const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(dir, "krs_periods.parquet")}')`)).getRowObjects();
      expect(described.map((r) => [r["column_name"], r["column_type"]])).toEqual([
        ["scope", "VARCHAR"],
        ["period", "TIMESTAMP"],
        ["krs", "DOUBLE"],
        ["is_current_period", "BOOLEAN"],
      ]);
      const rows = (await connection.runAndReadAll(`SELECT count(*) AS n FROM read_parquet('${join(dir, "krs_periods.parquet")}')`)).getRowObjects();
      expect(Number(rows[0]!["n"])).toBe(0);
      expect(statSync(join(full, "labels.parquet")).size).toBe("not touched".length);
      expect(await repairEmptyResults(data), "nothing left to repair").toEqual([]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
