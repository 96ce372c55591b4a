/** `promotor query --batch FILE` / `--repl`: one process, one compile, many questions; a bad line
 * is reported and the rest still answered. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseQueryArgs, runQueryLines } from "../../src/cli/commands/query.ts";
import { createSemanticLayer } from "../../src/semantic/layer.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { runChild } from "../../src/lib/child.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";

const root = join(import.meta.dirname, "..", "..");

function sink(): { stream: Writable; text: () => string } {
  let text = "";
  return { stream: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), text: () => text };
}

describe("query --batch / --repl", () => {
  let fx: { path: string; dir: string; cleanup(): void };
  let layer: SemanticLayer;
  beforeAll(async () => {
    fx = await buildFixtureWarehouse(SMALL, "query-lines");
    layer = await createSemanticLayer({ warehouse: fx.path });
  });
  afterAll(async () => {
    await layer?.close();
    fx?.cleanup();
  });

  it("parses --repl and --batch, and refuses a query next to them", () => {
    expect(parseQueryArgs(["--repl"]).repl).toBe(true);
    expect(parseQueryArgs(["--batch", "q.jsonl"]).batch).toBe("q.jsonl");
    expect(() => parseQueryArgs(["--batch", "q.jsonl", '{"measures":["nps.score"]}'])).toThrow(/give no query/);
    expect(() => parseQueryArgs(["--repl", "--batch", "-"])).toThrow(/not both/);
  });

  it("answers each line as JSON, skips blanks and comments, reports a bad line and carries on", async () => {
    const input = Readable.from(['{"measures":["nps.responses"]}\n', "\n", "# a comment\n", "{not json\n", '{"measures":["nps.nope"]}\n', '{"measures":["nps.responses"],"dimensions":["nps.business_unit"],"order":{"nps.business_unit":"asc"}}\n']);
    const out = sink();
    const err = sink();
    const parsed = parseQueryArgs(["--batch", "-", "--format", "json"]);
    const result = await runQueryLines(layer, input, parsed, { stdout: out.stream, stderr: err.stream });
    expect(result).toEqual({ answered: 2, failed: 2 });
    const lines = out.text().trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>[]);
    expect(lines).toEqual([[{ "nps.responses": 12 }], [{ "nps.business_unit": "north", "nps.responses": 6 }, { "nps.business_unit": "south", "nps.responses": 6 }]]);
    expect(err.text()).toContain("line 4: not a JSON query");
    expect(err.text()).toContain("nps.nope");
  });

  it("the CLI runs a batch file and exits non-zero when a query failed", async () => {
    const krsResponses = (await layer.load({ measures: ["krs.responses"] })).data[0]?.["krs.responses"];
    expect(krsResponses).toBeGreaterThan(0);
    const file = join(fx.dir, "queries.jsonl");
    writeFileSync(file, '{"measures":["nps.responses"]}\n{"measures":["krs.responses"]}\n');
    const cli = (args: string[]) =>
      runChild(process.execPath.includes("node_modules") ? process.execPath : join(root, "node_modules", ".bin", "node"), [join(root, "bin", "promotor.mjs"), "--warehouse", fx.path, "query", ...args], {
        cwd: root,
        timeoutMs: 120_000,
        env: { ...process.env, PROMOTOR_CUBE_CACHE: "off" },
      });
    const ok = await cli(["--batch", file, "--format", "csv"]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toBe(`nps.responses\n12\n\nkrs.responses\n${krsResponses}\n\n`);
    writeFileSync(file, '{"measures":["nps.responses"]}\n{"measures":["nope.x"]}\n');
    const bad = await cli(["--batch", file, "--format", "csv"]);
    expect(bad.code).toBe(1);
    expect(bad.out).toBe("nps.responses\n12\n\n");
  });
});
