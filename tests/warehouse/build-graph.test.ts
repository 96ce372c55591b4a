/** What waits for what in `dbt build`: read from dbt's own scheduler graph (dbt.compilation.Linker
 * with its test edges, as `dbt build` makes it), not from timings. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { transformsDir, venvBin } from "../../src/lib/paths.ts";
import { runChild } from "../../src/lib/child.ts";
import { tempDir } from "../helpers/warehouse.ts";

const SCRIPT = `
import json, sys
from dbt.cli.main import dbtRunner
from dbt.compilation import Linker
work = sys.argv[1]
args = ["parse", "--project-dir", ${JSON.stringify(transformsDir)}, "--profiles-dir", ${JSON.stringify(transformsDir)},
        "--target-path", work + "/target", "--log-path", work + "/logs", "--no-write-json", "--quiet"]
res = dbtRunner().invoke(args)
if not res.success:
    print(json.dumps({"error": str(res.exception)})); sys.exit(0)
manifest = res.result
linker = Linker()
linker.link_graph(manifest)
linker.add_test_edges(manifest)
graph = linker.graph
def name(uid):
    node = manifest.nodes.get(uid)
    return node.name if node is not None else uid
waits = {}
for uid in graph.nodes:
    node = manifest.nodes.get(uid)
    if node is None or node.resource_type.value != "test":
        continue
    waits[node.name] = sorted(name(s) for s in graph.successors(uid) if manifest.nodes.get(s) is not None and manifest.nodes[s].resource_type.value != "test")
print(json.dumps({"waits": waits}))
`;

/** For each data test, the models (and seeds) dbt build holds back until it has passed. */
async function heldBack(): Promise<Record<string, string[]>> {
  const work = tempDir();
  const r = await runChild(venvBin("python"), ["-c", SCRIPT, work], {
    cwd: transformsDir,
    timeoutMs: 120_000,
    env: { ...process.env, PROMOTOR_WAREHOUSE: join(work, "w.duckdb"), DBT_SEND_ANONYMOUS_USAGE_STATS: "false", DO_NOT_TRACK: "1" },
  });
  expect(r.code, r.err).toBe(0);
  const out = JSON.parse(r.out.trim().split("\n").pop()!) as { waits?: Record<string, string[]>; error?: string };
  expect(out.error).toBeUndefined();
  return out.waits!;
}

describe("dbt build's schedule", () => {
  it("the uniqueness of every response id (a scan of all ids) holds back only the ingestion-quality marts, not the response models", async () => {
    const waits = await heldBack();
    // The row checks of raw still hold back every response model (bad values never reach a mart).
    expect(waits["raw_responses_checks"]).toEqual(expect.arrayContaining(["stg_survey__responses"]));
    // Ingest refuses a response id it has loaded before; this test checks that again over every
    // id, and the marts of the responses do not wait for it (a failure still fails the build).
    expect(waits["all_response_ids_unique"]).toEqual(["fct_data_quality", "fct_ingestion_quality"]);
  });
});
