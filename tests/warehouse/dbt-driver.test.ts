import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dbtWorkDirs, startDbt } from "../../src/dbt/run.ts";
import { runChild } from "../../src/lib/child.ts";
import { venvBin } from "../../src/lib/paths.ts";
import { ingestInto, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

describe("dbt started ahead of its command (src/dbt/dbt_driver.py)", () => {
  it("exits without running dbt when cancelled", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    const dbt = startDbt({ warehouse });
    dbt.cancel();
    expect(await dbt.exited).toBe(0);
    // dbt writes its log directory as soon as it runs a command.
    expect(existsSync(dbtWorkDirs(warehouse).logPath)).toBe(false);
  });

  it("runs the command it is given and reports every node", async () => {
    const warehouse = join(tempDir(), "w.duckdb");
    await ingestInto(warehouse, [join(fixtures, "hand-counted.csv")]);
    const dbt = startDbt({ warehouse });
    const lines: string[] = [];
    const result = await dbt.run(["build", "--select", "stg_survey__ingestions"], { env: { PROMOTOR_TESTED_THROUGH_INGESTION: "0" }, onLine: (l) => lines.push(l) });
    expect(result.exitCode, result.output.slice(-1500)).toBe(0);
    expect(result.nodes.map((n) => `${n.resourceType} ${n.uniqueId} ${n.status}`)).toEqual(["model model.promotor.stg_survey__ingestions success"]);
    expect(lines.some((l) => /1 of 1 OK created sql view model staging\.stg_survey__ingestions/.test(l))).toBe(true);
    expect(await dbt.exited).toBe(0);
  });
});

describe("dbt's JSON schemas kept on disk (dbt_driver.py cache_json_schemas)", () => {
  const schemaFile = (dir: string): string => {
    const files = readdirSync(dir).filter((f) => /^json-schemas-[0-9a-f]{16}\.json$/.test(f));
    expect(files).toHaveLength(1);
    return join(dir, files[0]!);
  };
  const compileOne = async (warehouse: string, cacheDir: string) =>
    startDbt({ warehouse, env: { PROMOTOR_DBT_SCHEMA_CACHE: cacheDir } }).run(["compile", "--select", "stg_survey__ingestions"]);

  it("writes the schemas dbt builds, equal to dbt's own, and validates with the file from then on", async () => {
    const dir = tempDir();
    const warehouse = join(dir, "w.duckdb");
    await ingestInto(warehouse, [join(fixtures, "hand-counted.csv")]);
    const cacheDir = join(dir, "cache");
    const first = await compileOne(warehouse, cacheDir);
    expect(first.exitCode, first.output.slice(-1500)).toBe(0);
    const file = schemaFile(cacheDir);
    const cached = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(Object.keys(cached)).toContain("dbt.contracts.project.Project");

    // The same schemas as dbt builds them in a process without the cache.
    const fresh = await runChild(venvBin("python"), ["-c", [
      "import json, sys, importlib",
      "names = json.loads(sys.argv[1])",
      "out = {}",
      "for n in names:",
      "    module, _, cls = n.rpartition('.')",
      "    out[n] = getattr(importlib.import_module(module), cls).json_schema()",
      "print(json.dumps(out))",
    ].join("\n"), JSON.stringify(Object.keys(cached))], { timeoutMs: 60_000 });
    expect(fresh.code, fresh.err).toBe(0);
    expect(JSON.parse(fresh.out)).toEqual(cached);

    // From then on dbt validates with the file: a schema that requires a key no project has fails.
    writeFileSync(file, JSON.stringify({ ...cached, "dbt.contracts.project.Project": { type: "object", required: ["promotor_sentinel"] } }));
    const second = await compileOne(warehouse, cacheDir);
    expect(second.exitCode).not.toBe(0);
    expect(second.output).toMatch(/promotor_sentinel/);

    // A damaged file is ignored and written again.
    writeFileSync(file, "{ not json");
    const third = await compileOne(warehouse, cacheDir);
    expect(third.exitCode, third.output.slice(-1500)).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")) as object)).toContain("dbt.contracts.project.Project");
  });
});
