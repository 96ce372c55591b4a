import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { parseCsv } from "../helpers/csv.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixture = join(import.meta.dirname, "..", "fixtures", "no-response-id.csv");
const rows = parseCsv(fixture).rows;
const valid = rows.filter((r) => Number(r["recommend_score"]) <= 10);
const ids = (path: string) => query(path, "SELECT response_id FROM raw.responses ORDER BY _source_row").then((r) => r.map((x) => String(x["response_id"])));

describe("exports without a response id", () => {
  it("get deterministic ids from the answers: the same file gives the same ids in any warehouse", async () => {
    const a = join(tempDir(), "a.duckdb");
    const b = join(tempDir(), "b.duckdb");
    const [ra] = await ingestInto(a, [fixture]);
    await ingestInto(b, [fixture]);
    expect(ra).toMatchObject({ rowsRead: rows.length, loaded: valid.length, quarantined: rows.length - valid.length, generatedIds: rows.length });
    expect(await ids(a)).toEqual(await ids(b));
    for (const id of await ids(a)) expect(id).toMatch(/^g-[0-9a-f]{16}-\d+$/);
  });

  it("keeps identical rows inside one file apart (occurrence 1 and 2)", async () => {
    const path = join(tempDir(), "w.duckdb");
    await ingestInto(path, [fixture]);
    const list = await ids(path);
    expect(list[0]!.replace(/-1$/, "")).toBe(list[1]!.replace(/-2$/, ""));
    expect(new Set(list).size).toBe(valid.length);
    // The quarantined row carries its generated id too (for list/show/replay).
    const [q] = await query(path, "SELECT response_id, raw_values->>'response_id' AS stored FROM raw.quarantine");
    expect(String(q?.["response_id"])).toMatch(/^g-/);
    expect(q?.["stored"]).toBe(q?.["response_id"]);
  });

  it("counts the same responses in a re-export of an overlapping period once", async () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    await ingestInto(path, [fixture]);
    // A later export: the last three valid rows again, and two new responses.
    const lines = readFileSync(fixture, "utf8").trimEnd().split("\n");
    const reexport = join(dir, "later.csv");
    writeFileSync(reexport, [lines[0], ...lines.slice(3, 6), "2026-10-06T08:00:00,8,Goed", "2026-10-07T08:00:00,6,Matig"].join("\n") + "\n");
    const [r] = await ingestInto(path, [reexport]);
    expect(r).toMatchObject({ rowsRead: 5, loaded: 2, duplicates: 3, quarantined: 0 });
    const [n] = await query(path, "SELECT count(*) n FROM raw.responses");
    expect(n?.["n"]).toBe(valid.length + 2);
  });

  it("the ingest summary says ids were generated", async () => {
    let err = "";
    const io = { stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: new Writable({ write: (c, _e, cb) => ((err += String(c)), cb()) }) };
    expect(await main(["ingest", fixture, "--warehouse", join(tempDir(), "w.duckdb")], io)).toBe(0);
    expect(err).toContain(`no response id column: ${rows.length} ids generated from the answers`);
  });
});
