import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main, splitGlobalOptions } from "../../src/cli/main.ts";
import { DEFAULT_WAREHOUSE, projectRoot, resolveWarehouse } from "../../src/lib/paths.ts";
import { query, tempDir } from "../helpers/warehouse.ts";
import { capture } from "../helpers/capture.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

describe("--warehouse / PROMOTOR_WAREHOUSE", () => {
  it("flag wins over the environment, which wins over the default", () => {
    expect(resolveWarehouse("a.duckdb", { PROMOTOR_WAREHOUSE: "/env.duckdb" }, "/cwd")).toBe("/cwd/a.duckdb");
    expect(resolveWarehouse(undefined, { PROMOTOR_WAREHOUSE: "/env.duckdb" }, "/cwd")).toBe("/env.duckdb");
    expect(resolveWarehouse(undefined, {}, "/cwd")).toBe(join(projectRoot, DEFAULT_WAREHOUSE));
  });

  it("is taken from anywhere on the command line", () => {
    expect(splitGlobalOptions(["ingest", "x.csv", "--warehouse", "w.duckdb"])).toEqual({ warehouse: "w.duckdb", rest: ["ingest", "x.csv"] });
    expect(splitGlobalOptions(["--warehouse=w.duckdb", "build"])).toEqual({ warehouse: "w.duckdb", rest: ["build"] });
  });
});

describe("promotor ingest", () => {
  it("prints loaded / quarantined / duplicate counts per file and exits 0 when rows are merely bad", async () => {
    const path = join(tempDir(), "w.duckdb");
    const c = capture();
    const code = await main(["ingest", join(fixtures, "excel-nl-bad-rows.csv"), join(fixtures, "hand-counted.csv"), "--warehouse", path], c.io);
    expect(code).toBe(0);
    const lines = c.out().split("\n");
    const row = (name: string) => lines.find((l) => l.startsWith(name))?.trim().split(/\s{2,}/);
    expect(row(join(fixtures, "excel-nl-bad-rows.csv"))?.slice(-4)).toEqual(["12", "3", "8", "1"]);
    expect(row("total")?.slice(-4)).toEqual(["22", "13", "8", "1"]);
    expect(c.out()).toContain("recommend_score … is not a whole number on the 0–10 scale");
  });

  it("exits non-zero, naming the file, when a file cannot be read, and still loads the readable ones", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    const broken = join(dir, "export.xlsx");
    writeFileSync(broken, Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]));
    const c = capture();
    const code = await main(["ingest", broken, join(fixtures, "hand-counted.csv"), "--warehouse", path], c.io);
    expect(code).toBe(2);
    expect(c.err()).toContain(`${broken}: cannot read the Excel workbook`);
    expect(c.err()).toContain("fix: open it in Excel and save it again as .xlsx");
    const [n] = await query(path, "SELECT count(*) n FROM raw.responses");
    expect(n?.["n"]).toBe(10);
  });

  it("refuses an export without a required column, with the line and the fix", async () => {
    const dir = tempDir();
    const file = join(dir, "no-score.csv");
    writeFileSync(file, "response_id,answered_at,score\nA1,2025-01-01,9\n");
    const c = capture();
    const code = await main(["ingest", file, "--warehouse", join(dir, "w.duckdb")], c.io);
    expect(code).toBe(2);
    expect(c.err()).toContain(`${file}:1: the export has no column for recommend_score`);
    expect(c.err()).toContain("fix: pass --mapping");
  });

  it("an unknown command or missing file is a clear error", async () => {
    const c = capture();
    expect(await main(["ingestt"], c.io)).toBe(2);
    expect(c.err()).toContain('unknown command "ingestt"');
    const d = capture();
    expect(await main(["ingest", "/nonexistent/file.csv"], d.io)).toBe(2);
    expect(d.err()).toContain("/nonexistent/file.csv: no such file or directory");
  });
});
