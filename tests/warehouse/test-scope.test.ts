import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCommand } from "../../src/cli/commands/build.ts";
import { projectFingerprint, testScope } from "../../src/dbt/test-state.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { execute, ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures");

/** Runs `promotor build` in-process; returns its stderr and the error it threw, if any. */
async function build(warehouse: string, args: string[] = []): Promise<{ stderr: string; error: unknown }> {
  let stderr = "";
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const err = new Writable({
    write: (chunk: Buffer, _e, cb) => {
      stderr += chunk.toString();
      cb();
    },
  });
  try {
    await buildCommand.run(args, { warehouse, root: process.cwd(), stdout: sink, stderr: err });
    return { stderr, error: undefined };
  } catch (error) {
    return { stderr, error };
  }
}

// A copy of H01 that only the dbt tests can reject (recommend_score 12), planted past ingest.
const plant = (id: string, ingestion: number): string =>
  `INSERT INTO raw.responses SELECT * REPLACE ('${id}' AS response_id, NULL AS customer_id, 12 AS recommend_score, ${ingestion} AS _ingestion_id) FROM raw.responses WHERE response_id = 'H01'`;

describe("promotor build tests the rows of new ingestions only, with the same code", () => {
  const path = join(tempDir(), "w.duckdb");
  beforeAll(async () => {
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
  });

  it("tests every row on the first build and records what it covered", async () => {
    const { stderr, error } = await build(path);
    expect(error).toBeUndefined();
    expect(stderr).toContain("row-level tests on every row");
    const builds = await query(path, "SELECT project_fingerprint, tested_after_ingestion, through_ingestion FROM raw.builds");
    expect(builds).toEqual([{ project_fingerprint: projectFingerprint(), tested_after_ingestion: 0, through_ingestion: 1 }]);
  });

  it("after a new ingestion, tests only that ingestion's rows", async () => {
    await ingestInto(path, [join(fixtures, "qualtrics-export.csv")]);
    expect(await testScope(path, projectFingerprint(), false)).toEqual({ testedThroughIngestion: 1, latestIngestion: 2 });
    const { stderr, error } = await build(path);
    expect(error).toBeUndefined();
    expect(stderr).toContain("row-level tests on ingestions after #1");
    // The slowest test on raw (every id against the new ones) starts first: dbt starts nodes of
    // the same depth in the order of their names (what waits for it: build-graph.test.ts).
    expect(stderr).toMatch(/\b1 of \d+ PASS all_response_ids_unique\b/);
    const [last] = await query(path, "SELECT tested_after_ingestion, through_ingestion FROM raw.builds ORDER BY built_at DESC LIMIT 1");
    expect(last).toEqual({ tested_after_ingestion: 1, through_ingestion: 2 });
    // The response counts per touchpoint, kept per ingestion and summed, equal a count of raw
    // after the incremental build, and again after a build with nothing new (nothing counted twice).
    const counts = "SELECT t.touchpoint, t.responses, r.n FROM marts.dim_touchpoints t LEFT JOIN (SELECT touchpoint, count(*) AS n FROM raw.responses GROUP BY touchpoint) r USING (touchpoint) ORDER BY t.touchpoint";
    const afterNew = await query(path, counts);
    expect(afterNew.filter((r) => Number(r["n"] ?? 0) > 0).length).toBeGreaterThanOrEqual(3);
    for (const r of afterNew) expect(Number(r["responses"]), String(r["touchpoint"])).toBe(Number(r["n"] ?? 0));
    expect((await build(path)).error).toBeUndefined();
    expect(await query(path, counts)).toEqual(afterNew);
  });

  it("still fails on a bad row in an untested ingestion", async () => {
    await execute(path, plant("BAD_NEW", 3));
    try {
      const { error } = await build(path);
      expect(error).toBeInstanceOf(PromotorError);
      expect((error as PromotorError).message).toMatch(/raw_responses_checks[\s\S]*accepted_range\(recommend_score, 0, 10\): 1\b/);
    } finally {
      await execute(path, "DELETE FROM raw.responses WHERE response_id = 'BAD_NEW'");
    }
  });

  it("still finds a response_id of a new ingestion that an old one already has", async () => {
    // The copies are stored as 100, 99 and then the original of ingestion 1 (moved behind them), so
    // storage order, text order ("#100" < "#99") and number order all differ: only a message ordered
    // by ingestion number passes. CI once saw "#98 …, #1 …" when the scan met the new row first.
    await execute(
      path,
      [
        "CREATE TEMP TABLE h03 AS SELECT * FROM raw.responses WHERE response_id = 'H03' AND _ingestion_id = 1",
        "INSERT INTO raw.responses SELECT * REPLACE (NULL AS customer_id, 100 AS _ingestion_id) FROM h03",
        "INSERT INTO raw.responses SELECT * REPLACE (NULL AS customer_id, 99 AS _ingestion_id) FROM h03",
        "DELETE FROM raw.responses WHERE response_id = 'H03' AND _ingestion_id = 1",
        "INSERT INTO raw.responses SELECT * FROM h03",
      ].join(";\n"),
    );
    try {
      const { error } = await build(path);
      expect(error).toBeInstanceOf(PromotorError);
      expect((error as PromotorError).message).toMatch(/all_response_ids_unique/);
      // The failing id with the ingestions and files it came from, oldest first.
      expect((error as PromotorError).message).toMatch(
        /H03: 3: #1 \S*hand-counted\.csv, #99 \(no record in ingestions\), #100 \(no record in ingestions\)/,
      );
    } finally {
      // Later tests in this file share the warehouse: a failed assertion must not leave the duplicate.
      await execute(path, "DELETE FROM raw.responses WHERE _ingestion_id IN (99, 100)");
    }
  });

  it("catches rows added to a tested ingestion; a value changed there only with --full-refresh", async () => {
    // Rows added to an old ingestion break its counts, which are reconciled on every build.
    await execute(path, plant("BAD_OLD", 1));
    try {
      const added = await build(path);
      expect(added.error).toBeInstanceOf(PromotorError);
      expect((added.error as PromotorError).message).toContain("assert_ingestion_reconciles");
    } finally {
      await execute(path, "DELETE FROM raw.responses WHERE response_id = 'BAD_OLD'");
    }
    // Raw is append-only; a value edited in place in a tested ingestion is tampering that only a
    // full refresh (which tests every row again) sees. This pins that trade-off down.
    await execute(path, "UPDATE raw.responses SET recommend_score = 12 WHERE response_id = 'H02'");
    expect((await build(path)).error).toBeUndefined();
    const full = await build(path, ["--full-refresh"]);
    expect(full.stderr).toContain("row-level tests on every row");
    expect(full.error).toBeInstanceOf(PromotorError);
    expect((full.error as PromotorError).message).toMatch(/raw_responses_checks[\s\S]*accepted_range\(recommend_score, 0, 10\): 1\b/);
  });

  it("tests every row again when the code changes (another fingerprint)", async () => {
    expect(await testScope(path, "another fingerprint", false)).toEqual({ testedThroughIngestion: 0, latestIngestion: 2 });
  });
});

describe("views left as they are still know every touchpoint", () => {
  // The response views write int_touchpoints into their SQL (macros/reference_lookup.sql), and
  // int_touchpoints holds the touchpoints the responses use that the journey map does not name.
  const dir = tempDir();
  const path = join(dir, "w.duckdb");
  const header = "response_id,answered_at,survey_type,touchpoint,recommend_score";
  beforeAll(async () => {
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
  });

  it("a new ingestion with a touchpoint nobody has seen yet rebuilds the views", async () => {
    expect((await build(path)).error).toBeUndefined();
    const same = await build(path);
    expect(same.error).toBeUndefined();
    expect(same.stderr).not.toContain("view model");
    const file = join(dir, "new-touchpoint.csv");
    writeFileSync(file, `${header}\nNT1,2025-03-01T10:00:00,touchpoint,call_center,3\nNT2,2025-03-02T10:00:00,touchpoint,call_center,9\n`);
    await ingestInto(path, [file]);
    const next = await build(path);
    expect(next.error).toBeUndefined();
    expect(next.stderr).toContain("new touchpoints (call_center)");
    expect(next.stderr).toMatch(/OK created sql view model intermediate\.int_responses_enriched\b/);
    const rows = await query(path, "SELECT response_id, journey_stage, journey_order, touchpoint_label_en FROM marts.fct_touchpoint_responses WHERE touchpoint = 'call_center' ORDER BY response_id");
    const [last] = await query(path, "SELECT journey_order FROM marts.dim_touchpoints WHERE touchpoint = 'call_center'");
    expect(last?.["journey_order"]).toEqual(expect.any(Number));
    expect(rows).toEqual([
      { response_id: "NT1", journey_stage: "unmapped", journey_order: last?.["journey_order"], touchpoint_label_en: "call_center" },
      { response_id: "NT2", journey_stage: "unmapped", journey_order: last?.["journey_order"], touchpoint_label_en: "call_center" },
    ]);
    // A touchpoint seen before: the views stay.
    writeFileSync(file, `${header}\nNT3,2025-03-03T10:00:00,touchpoint,call_center,7\n`);
    await ingestInto(path, [file]);
    const again = await build(path);
    expect(again.error).toBeUndefined();
    expect(again.stderr).not.toContain("view model");
    expect((await query(path, "SELECT journey_stage FROM marts.fct_nps_responses WHERE response_id = 'NT3'"))[0]?.["journey_stage"]).toBe("unmapped");
  });
});

describe("projectFingerprint", () => {
  it("changes with a file's content and with files added, and is the same for the same files", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "models"));
    writeFileSync(join(dir, "models", "a.sql"), "select 1");
    writeFileSync(join(dir, "models", "b.sql"), "select 2");
    writeFileSync(join(dir, "project.yml"), "name: x");
    const paths = [join(dir, "project.yml"), join(dir, "models")];
    const before = projectFingerprint(paths);
    expect(projectFingerprint(paths)).toBe(before);
    writeFileSync(join(dir, "models", "b.sql"), "select 3");
    const changed = projectFingerprint(paths);
    expect(changed).not.toBe(before);
    writeFileSync(join(dir, "models", "b.sql"), "select 2");
    expect(projectFingerprint(paths)).toBe(before);
    writeFileSync(join(dir, "models", "c.sql"), "");
    expect(projectFingerprint(paths)).not.toBe(before);
    expect(projectFingerprint([...paths, join(dir, "missing.txt")])).toBe(projectFingerprint(paths));
  });
});

describe("promotor build leaves out reference data it loaded and tested with the same code", () => {
  const path = join(tempDir(), "w.duckdb");
  const label = async (): Promise<unknown> => (await query(path, "SELECT touchpoint_label_en FROM reference.touchpoints WHERE touchpoint = 'claim'"))[0]?.["touchpoint_label_en"];
  const recorded = async (): Promise<unknown[]> => (await query(path, "SELECT project_fingerprint FROM raw.reference_data")).map((r) => r["project_fingerprint"]);
  beforeAll(async () => {
    await ingestInto(path, [join(fixtures, "hand-counted.csv")]);
  });

  it("loads and records it on the first build, then leaves it out", async () => {
    const first = await build(path);
    expect(first.error).toBeUndefined();
    expect(first.stderr).not.toContain("reference data and views unchanged");
    expect(await recorded()).toEqual([projectFingerprint()]);
    const loaded = await label();
    expect(loaded).toBeTruthy();
    // Not reloaded: an edit made in the warehouse stays (the seed would overwrite it).
    await execute(path, "UPDATE reference.touchpoints SET touchpoint_label_en = 'edited' WHERE touchpoint = 'claim'");
    const second = await build(path);
    expect(second.error).toBeUndefined();
    expect(second.stderr).toContain("reference data and views unchanged");
    expect(await label()).toBe("edited");
    // The views of this same code are left as they are (creating each cost dbt ~0.1 s), while
    // their tests still run, and they still answer.
    expect(first.stderr).toMatch(/OK created sql view model marts\.fct_nps_responses\b/);
    expect(second.stderr).not.toContain("view model");
    expect(second.stderr).toMatch(/PASS fct_nps_responses_checks\b/);
    expect(second.stderr).toMatch(/PASS fct_driver_ratings_checks\b/);
    const [views] = await query(path, "SELECT (SELECT count(*) FROM marts.fct_nps_responses) AS nps, (SELECT count(*) FROM raw.responses) AS raw");
    expect(Number(views?.["nps"])).toBe(Number(views?.["raw"]));
    // Another project's reference data (or none recorded): loaded and tested again.
    await execute(path, "UPDATE raw.reference_data SET project_fingerprint = 'another project'");
    const third = await build(path);
    expect(third.error).toBeUndefined();
    expect(third.stderr).not.toContain("reference data and views unchanged");
    expect(third.stderr).toMatch(/OK created sql view model marts\.fct_nps_responses\b/);
    expect(await label()).toBe(loaded);
    expect(await recorded()).toEqual([projectFingerprint()]);
  });

  it("a failed build that reloaded reference data vouches for none of it", async () => {
    await execute(path, "UPDATE raw.reference_data SET project_fingerprint = 'another project'");
    await execute(path, plant("BAD_REF", 5));
    const failed = await build(path);
    expect(failed.error).toBeInstanceOf(PromotorError);
    expect(await recorded()).toEqual([]);
    await execute(path, "DELETE FROM raw.responses WHERE response_id = 'BAD_REF'");
    const next = await build(path);
    expect(next.error).toBeUndefined();
    expect(next.stderr).not.toContain("reference data and views unchanged");
    expect(await recorded()).toEqual([projectFingerprint()]);
  });
});
