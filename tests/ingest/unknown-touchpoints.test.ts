import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runDbt } from "../../src/dbt/run.ts";
import { referenceTouchpoints } from "../../src/ingest/ingest.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { parseCsv } from "../helpers/csv.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const fixture = join(import.meta.dirname, "..", "fixtures", "unknown-touchpoints.csv");
// Independent counts from the fixture itself.
const rows = parseCsv(fixture).rows;
const known = new Set(referenceTouchpoints());
const validScore = (s: string) => /^\d+$/.test(s) && Number(s) <= 10;
const count = (pred: (r: Record<string, string>) => boolean) => rows.filter(pred).length;
const unknownCounts = new Map<string, number>();
for (const r of rows) if (r["touchpoint"] && !known.has(r["touchpoint"]) && validScore(r["recommend_score"]!)) unknownCounts.set(r["touchpoint"]!, (unknownCounts.get(r["touchpoint"]!) ?? 0) + 1);
const badScores = count((r) => !validScore(r["recommend_score"]!));

/** A copy of the dbt project and its reference seeds, so a test can edit the journey map. */
function projectCopy(): string {
  const root = tempDir("promotor-project-");
  cpSync(join(projectRoot, "transforms"), join(root, "transforms"), { recursive: true, filter: (src) => !/[/\\](target|logs)$/.test(src) });
  mkdirSync(join(root, "seeds"), { recursive: true });
  cpSync(join(projectRoot, "seeds", "reference"), join(root, "seeds", "reference"), { recursive: true });
  return join(root, "transforms");
}

describe("touchpoints missing from the journey map", () => {
  it("the fixture has what the test needs (two unknown touchpoints, one bad score)", () => {
    expect([...unknownCounts.keys()].sort()).toEqual(["call_center", "callcentre"]);
    expect(unknownCounts.get("call_center")).toBeGreaterThan(1);
    expect(badScores).toBe(1);
  });

  it("are loaded, not quarantined, and reported with their row counts", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [result] = await ingestInto(path, [fixture]);
    expect(result).toMatchObject({ rowsRead: rows.length, loaded: rows.length - badScores, quarantined: badScores });
    expect(result?.unknownTouchpoints).toEqual([...unknownCounts].sort((a, b) => b[1] - a[1]).map(([touchpoint, n]) => ({ touchpoint, rows: n, suggestion: "call_centre" })));
    const [q] = await query(path, "SELECT count(*) FILTER (WHERE reason LIKE '%touchpoint%') n FROM raw.quarantine");
    expect(q?.["n"]).toBe(0);
  });

  it("strict mode quarantines them, with a reason that says how to bring them back", async () => {
    const path = join(tempDir(), "w.duckdb");
    const [result] = await ingestInto(path, [fixture], undefined, { strictTouchpoints: true });
    const unknownRows = [...unknownCounts.values()].reduce((a, b) => a + b, 0);
    expect(result).toMatchObject({ loaded: rows.length - badScores - unknownRows, quarantined: badScores + unknownRows, unknownTouchpoints: [] });
    const reasons = await query(path, "SELECT reason FROM raw.quarantine WHERE reason LIKE 'unknown touchpoint%'");
    expect(reasons).toHaveLength(unknownRows);
    expect(String(reasons[0]?.["reason"])).toContain("promotor quarantine replay");
  });

  it("promotor ingest and promotor build list them with their row counts", async () => {
    const { main } = await import("../../src/cli/main.ts");
    const { Writable } = await import("node:stream");
    const path = join(tempDir(), "w.duckdb");
    const capture = () => {
      let text = "";
      return { io: { stdout: new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) }), stderr: new Writable({ write: (_c, _e, cb) => cb() }) }, text: () => text };
    };
    const expected = `not in your journey map: ${[...unknownCounts].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t}, ${n} rows (did you mean call_centre?)`).join("; ")}`;
    const ingest = capture();
    expect(await main(["ingest", fixture, "--warehouse", path], ingest.io)).toBe(0);
    // With a hint at the journey-map touchpoint a code is probably a misspelling of.
    expect(ingest.text()).toContain(expected);
    expect(expected).toBe(`not in your journey map: call_center, ${unknownCounts.get("call_center")} rows (did you mean call_centre?); callcentre, ${unknownCounts.get("callcentre")} rows (did you mean call_centre?)`);
    const build = capture();
    expect(await main(["build", "--warehouse", path], build.io)).toBe(0);
    expect(build.text()).toContain(expected);
    expect(build.text()).toContain(`in quarantine: ${badScores} rows from 1 file(s)`);
  }, 120_000);

  describe("in the marts", () => {
    const dir = tempDir();
    const path = join(dir, "w.duckdb");
    let project: string;
    beforeAll(async () => {
      project = projectCopy();
      await ingestInto(path, [fixture]);
      const built = await runDbt(["build"], { warehouse: path, projectDir: project });
      expect(built.exitCode, built.output.slice(-3000)).toBe(0);
    }, 120_000);

    it("appear with their own name after the known journey, flagged in dim_touchpoints and fct_data_quality", async () => {
      const maxKnown = known.size;
      const dims = await query(path, "SELECT touchpoint, journey_stage, journey_order, is_in_journey_map, responses FROM marts.dim_touchpoints WHERE NOT is_in_journey_map ORDER BY journey_order");
      expect(dims).toEqual([
        { touchpoint: "call_center", journey_stage: "unmapped", journey_order: maxKnown + 1, is_in_journey_map: false, responses: unknownCounts.get("call_center") },
        { touchpoint: "callcentre", journey_stage: "unmapped", journey_order: maxKnown + 2, is_in_journey_map: false, responses: unknownCounts.get("callcentre") },
      ]);
      const tnps = await query(path, "SELECT touchpoint, count(*) n, min(journey_order) o FROM marts.fct_touchpoint_responses WHERE touchpoint = 'call_center' GROUP BY 1");
      expect(tnps).toEqual([{ touchpoint: "call_center", n: unknownCounts.get("call_center"), o: maxKnown + 1 }]);
      const quality = await query(path, "SELECT check_name, subject, rows, message, suggestion FROM marts.fct_data_quality WHERE check_name = 'touchpoint_not_in_journey_map' ORDER BY subject");
      expect(quality).toEqual([
        { check_name: "touchpoint_not_in_journey_map", subject: "call_center", rows: unknownCounts.get("call_center"), message: `not in your journey map: call_center, ${unknownCounts.get("call_center")} rows`, suggestion: "call_centre" },
        { check_name: "touchpoint_not_in_journey_map", subject: "callcentre", rows: unknownCounts.get("callcentre"), message: `not in your journey map: callcentre, ${unknownCounts.get("callcentre")} rows`, suggestion: "call_centre" },
      ]);
      const [quarantined] = await query(path, "SELECT subject, rows FROM marts.fct_data_quality WHERE check_name = 'quarantined_rows'");
      expect(quarantined).toEqual({ subject: fixture, rows: badScores });
    });

    it("take their place in the journey at the next build after the journey map names them, without re-ingesting", async () => {
      const map = join(project, "..", "seeds", "reference", "touchpoints.csv");
      writeFileSync(map, readFileSync(map, "utf8").trimEnd() + "\ncall_center,Callcenter,Call center,service,7\n");
      const built = await runDbt(["build"], { warehouse: path, projectDir: project });
      expect(built.exitCode, built.output.slice(-3000)).toBe(0);
      const [cc] = await query(path, "SELECT journey_stage, is_in_journey_map, touchpoint_label_en FROM marts.dim_touchpoints WHERE touchpoint = 'call_center'");
      expect(cc).toEqual({ journey_stage: "service", is_in_journey_map: true, touchpoint_label_en: "Call center" });
      const [stage] = await query(path, "SELECT count(*) n FROM marts.fct_nps_responses WHERE touchpoint = 'call_center' AND journey_stage = 'service'");
      expect(stage?.["n"]).toBe(unknownCounts.get("call_center"));
      const left = await query(path, "SELECT subject FROM marts.fct_data_quality WHERE check_name = 'touchpoint_not_in_journey_map'");
      expect(left).toEqual([{ subject: "callcentre" }]);
      const [ingestions] = await query(path, "SELECT count(*) n FROM raw.ingestions");
      expect(ingestions?.["n"]).toBe(1);
    }, 120_000);
  });
});

describe("the journey-map touchpoint suggested for an unmapped one", () => {
  it("is, of equally close ones, the earliest in the journey, whatever the order of the map's lines", async () => {
    const project = projectCopy();
    // Two journey steps as close to the unmapped webshop_checkout_c as each other (Jaro-Winkler
    // 0.978), listed with the later step first, so that the first one met is not the answer.
    const map = join(project, "..", "seeds", "reference", "touchpoints.csv");
    const lines = readFileSync(map, "utf8").trimEnd().split("\n");
    const last = Math.max(...lines.slice(1).map((l) => Number(l.split(",").at(-1))));
    writeFileSync(map, [...lines, `webshop_checkout_b,Afrekenen B,Checkout B,buy,${last + 2}`, `webshop_checkout_a,Afrekenen A,Checkout A,buy,${last + 1}`].join("\n") + "\n");
    const dir = tempDir();
    const header = readFileSync(join(import.meta.dirname, "..", "fixtures", "hand-counted.csv"), "utf8").split("\n")[0]!;
    const columns = header.split(",");
    const row = (i: number): string =>
      columns.map((c) => ({ response_id: `W${i}`, answered_at: "2025-03-01T10:00:00", survey_type: "touchpoint", touchpoint: "webshop_checkout_c", channel: "web", language: "nl", recommend_score: "7" })[c] ?? "").join(",");
    const file = join(dir, "checkout.csv");
    writeFileSync(file, [header, row(1), row(2)].join("\n") + "\n");
    const path = join(dir, "w.duckdb");
    // The journey map as ingest reads it (in journey order), here from the edited copy.
    const journey = referenceTouchpoints(map);
    expect(journey.slice(-2)).toEqual(["webshop_checkout_a", "webshop_checkout_b"]);
    const [ingested] = await ingestInto(path, [file], undefined, { touchpoints: journey });
    // promotor ingest suggests what promotor build suggests (one rule: fct_data_quality's).
    expect(ingested?.unknownTouchpoints).toEqual([{ touchpoint: "webshop_checkout_c", rows: 2, suggestion: "webshop_checkout_a" }]);
    const built = await runDbt(["build"], { warehouse: path, projectDir: project });
    expect(built.exitCode, built.output.slice(-3000)).toBe(0);
    const [closeness] = await query(path, "SELECT jaro_winkler_similarity('webshop_checkout_c', 'webshop_checkout_a') = jaro_winkler_similarity('webshop_checkout_c', 'webshop_checkout_b') AS tie");
    expect(closeness).toEqual({ tie: true });
    const quality = await query(path, "SELECT subject, suggestion FROM marts.fct_data_quality WHERE check_name = 'touchpoint_not_in_journey_map'");
    expect(quality).toEqual([{ subject: "webshop_checkout_c", suggestion: "webshop_checkout_a" }]);
  }, 120_000);
});

describe("referenceTouchpoints (the journey map as ingest reads it)", () => {
  it("gives the codes in journey order, also when a label holds a quoted comma", () => {
    const map = join(tempDir(), "touchpoints.csv");
    writeFileSync(
      map,
      [
        "touchpoint,touchpoint_label_nl,touchpoint_label_en,journey_stage,journey_order",
        'claim,"Schade, melding",Claim,claim,5',
        "onboarding,Klant worden,Onboarding,join,1",
        'call_centre,Klantenservice,"Call centre, phone",service,4',
        "",
      ].join("\r\n"),
    );
    expect(referenceTouchpoints(map)).toEqual(["onboarding", "call_centre", "claim"]);
  });
});
