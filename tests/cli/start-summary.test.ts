/** npm start's summary gives, for each skipped step, the one command that fixes it (issue 22). */
import { describe, expect, it } from "vitest";
import { fixOf } from "../../src/cli/commands/start.ts";

describe("the fix npm start shows for a skipped step", () => {
  it("is the promotor command inside a fix that runs over several lines", () => {
    const printed = [
      "The Evidence build is skipped: DuckDB-WASM cannot fetch its parquet extension.",
      "  fix:              copy DuckDB's signed extension files into this project once, from a folder or a mirror:",
      "                      promotor pages extension --from DIR|URL   (DIR laid out as v1.4.3/wasm_eh/parquet.duckdb_extension.wasm)",
      "                    or set PROMOTOR_DUCKDB_EXTENSION_REPOSITORY to a reachable mirror.",
      "  (detected in 2.7 s)",
    ];
    expect(fixOf(printed)).toBe("promotor pages extension --from DIR|URL   (DIR laid out as v1.4.3/wasm_eh/parquet.duckdb_extension.wasm)");
  });

  it("is the fix line itself when it names no command, and nothing when there is no fix", () => {
    expect(fixOf(["promotor: release 2.2.0 (nl) already exists", "  fix: add a new release heading to the dashboards changelog (or pass --force to rebuild it)"])).toBe(
      "add a new release heading to the dashboards changelog (or pass --force to rebuild it)",
    );
    expect(fixOf(["something failed"])).toBeUndefined();
  });
});
