/** A statement that needs more memory than Trino grants one query (found at 10 million answers:
 * the pages' copy of `fct_cases` on the local server): the error says so, with the fix, and the
 * local server grows its limit with its heap and spills to disk before it gives up. No Trino
 * needed: the error as presto-client hands it over, and the configuration files as written. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TRINO_DEFAULTS } from "../../src/engine/settings.ts";
import { trinoError } from "../../src/trino/client.ts";
import { localTrinoPaths, writeTrinoConfig } from "../../src/trino/local.ts";
import { tempDir } from "../helpers/warehouse.ts";

const properties = (file: string): Record<string, string> =>
  Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

describe("a statement larger than Trino's memory per query", () => {
  it("fails with the limit, the statement and what to change", () => {
    // Trino's QueryError, as presto-client passes it to its error callback.
    const error = trinoError(
      { ...TRINO_DEFAULTS, password: undefined, tls: false },
      {
        message: "Query exceeded per-node memory limit of 1GB [Allocated: 948.11MB, Delta: 94.69MB, Top Consumers: {HashBuilderOperator=828.44MB}]",
        errorName: "EXCEEDED_LOCAL_MEMORY_LIMIT",
      },
      'SELECT CAST(r."case_id" AS varchar) FROM iceberg.promotor_marts.fct_cases r',
      3600,
    );
    expect(error.describe()).toMatch(/^Trino at http:\/\/127\.0\.0\.1:8080 \(iceberg\.promotor, user promotor\) has too little memory for one statement: Query exceeded per-node memory limit of 1GB/);
    expect(error.describe()).toContain("query: SELECT CAST(r.\"case_id\" AS varchar) FROM iceberg.promotor_marts.fct_cases r");
    expect(error.describe()).toMatch(/fix: .*promotor trino start --heap 6G.*query\.max-memory-per-node.*spill/);
  });

  it("the local server's limit per query grows with its heap (a third, at least 1 GB), and it spills to disk", () => {
    const paths = localTrinoPaths(tempDir("promotor-trino-config-"), { PROMOTOR_TRINO_HOME: tempDir("promotor-trino-home-") });
    for (const [heap, limit] of [["2G", "1024MB"], ["3G", "1024MB"], ["6G", "2048MB"], ["4500M", "1500MB"]] as const) {
      writeTrinoConfig(paths, { port: 18_481, heap });
      const config = properties(join(paths.etc, "config.properties"));
      expect(config["query.max-memory-per-node"], heap).toBe(limit);
      expect(config["query.max-memory"], heap).toBe(limit);
      expect(config["spill-enabled"]).toBe("true");
      expect(config["spiller-spill-path"]).toBe(join(paths.data, "spill"));
    }
  });
});
