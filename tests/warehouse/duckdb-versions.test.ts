import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import { projectRoot, venvBin } from "../../src/lib/paths.ts";
import { tempDir } from "../helpers/warehouse.ts";

const python = venvBin("python");
const runPython = (code: string, ...args: string[]): string => execFileSync(python, ["-c", code, ...args], { encoding: "utf8", timeout: 30_000 }).trim();

describe("one DuckDB release line across Python (dbt) and Node (Cube, Evidence, CLI)", () => {
  it("pins the same version in requirements.txt, package.json and the loaded libraries", async () => {
    const requirements = readFileSync(join(projectRoot, "requirements.txt"), "utf8");
    const pinnedPython = /^duckdb==(\S+)/m.exec(requirements)?.[1];
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const pinnedNode = pkg.dependencies["@duckdb/node-api"]?.split("-")[0];
    expect(pinnedPython).toBeDefined();
    expect(pinnedNode).toBe(pinnedPython);
    const pythonVersion = runPython("import duckdb; print(duckdb.__version__)");
    const w = await openWarehouse(":memory:");
    const [row] = await queryRows(w.connection, "SELECT version() AS v");
    w.close();
    expect(`v${pythonVersion}`).toBe(row?.["v"]);
    // Every installed copy of the Node bindings (Cube's driver, Evidence's connector) is the same.
    const installed = execFileSync("npm", ["ls", "@duckdb/node-api", "--all", "--parseable", "--long"], { cwd: projectRoot, encoding: "utf8", timeout: 30_000 })
      .split("\n")
      .filter((l) => l.includes("@duckdb/node-api@"))
      .map((l) => l.split(":")[1]);
    expect(installed.length).toBeGreaterThan(0);
    expect(new Set(installed)).toEqual(new Set([`@duckdb/node-api@${pkg.dependencies["@duckdb/node-api"]}`]));
  });

  it("Node reads a file Python wrote, and Python reads a file Node wrote", async () => {
    const dir = tempDir();
    const fromPython = join(dir, "python.duckdb");
    runPython(
      "import duckdb,sys; c=duckdb.connect(sys.argv[1]); c.execute(\"CREATE TABLE t AS SELECT range AS i, 'py' || range AS s, TIMESTAMP '2025-01-01' + INTERVAL (range) HOUR AS ts FROM range(1000)\"); c.close()",
      fromPython,
    );
    const w = await openWarehouse(fromPython, { readOnly: true });
    const [fromPy] = await queryRows(w.connection, "SELECT count(*) n, sum(i) s, max(s) m, CAST(max(ts) AS VARCHAR) ts FROM t");
    w.close();
    expect(fromPy).toEqual({ n: 1000, s: 499500, m: "py999", ts: "2025-02-11 15:00:00" });

    const fromNode = join(dir, "node.duckdb");
    const n = await openWarehouse(fromNode);
    await n.connection.run("CREATE TABLE t AS SELECT range AS i, 'js' || range AS s FROM range(500)");
    n.close();
    const out = runPython("import duckdb,sys; c=duckdb.connect(sys.argv[1], read_only=True); print(c.execute('SELECT count(*), sum(i), max(s) FROM t').fetchone())", fromNode);
    expect(out).toBe("(500, 124750, 'js99')");
  });
});
