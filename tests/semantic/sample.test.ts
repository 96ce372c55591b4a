/** End to end on the real pipeline: seeds/sample -> ingest -> dbt build -> `promotor query`.
 * NPS, margin of error, KRS, CSAT and CES per touchpoint and overall equal an independent
 * computation from raw.responses (what ingest loaded), written in this test. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { query as sqlQuery } from "../helpers/warehouse.ts";
import { mean, npsOf } from "./expected.ts";
import { rmSync } from "node:fs";
import { dirname } from "node:path";

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

interface Raw {
  touchpoint: string | null;
  survey_type: string;
  recommend_score: number;
  krs_satisfaction: number | null;
  krs_trust: number | null;
  krs_love: number | null;
  csat: number | null;
  ces: number | null;
}

describe("promotor query on the sample data (ingest + dbt build)", () => {
  let warehouse: string;
  let raw: Raw[];
  beforeAll(async () => {
    // The same two commands a new user runs (README): ingest the sample folder, dbt build.
    warehouse = join(mkdtempSync(join(tmpdir(), "promotor-semantic-sample-")), "promotor.duckdb");
    for (const argv of [["ingest", join(projectRoot, "seeds", "sample")], ["build"]]) {
      const out = new Capture();
      const code = await main(["--warehouse", warehouse, ...argv], { stdout: out, stderr: out } as never);
      if (code !== 0) throw new Error(`promotor ${argv[0]} failed:\n${out.text.slice(-3000)}`);
    }
    raw = (await sqlQuery(warehouse, "SELECT touchpoint, survey_type, recommend_score, krs_satisfaction, krs_trust, krs_love, csat, ces FROM raw.responses")) as unknown as Raw[];
  });
  afterAll(() => {
    if (warehouse) rmSync(dirname(warehouse), { recursive: true, force: true });
  });

  const cubeQuery = async (q: object): Promise<Record<string, unknown>[]> => {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await main(["--warehouse", warehouse, "query", JSON.stringify(q), "--format", "json"], { stdout, stderr } as never);
    expect(code, stderr.text).toBe(0);
    return JSON.parse(stdout.text) as Record<string, unknown>[];
  };

  it("has enough data to mean something", () => {
    expect(raw.length).toBeGreaterThan(1000);
    expect(new Set(raw.map((r) => r.touchpoint)).size).toBeGreaterThan(3);
  });

  it("NPS and margin of error per touchpoint and overall", async () => {
    const rows = await cubeQuery({ measures: ["nps.responses", "nps.score", "nps.score_margin_of_error"], dimensions: ["nps.touchpoint"] });
    const touchpoints = new Set(raw.map((r) => r.touchpoint));
    expect(rows.length).toBe(touchpoints.size);
    for (const tp of touchpoints) {
      const e = npsOf(raw.filter((r) => r.touchpoint === tp).map((r) => r.recommend_score));
      const row = rows.find((r) => r["nps.touchpoint"] === tp)!;
      expect(row["nps.responses"], String(tp)).toBe(e.n);
      expect(row["nps.score"] as number).toBeCloseTo(e.score!, 9);
      expect(row["nps.score_margin_of_error"] as number).toBeCloseTo(e.moe!, 9);
    }
    const [overall] = await cubeQuery({ measures: ["nps.responses", "nps.score", "nps.score_margin_of_error"] });
    const e = npsOf(raw.map((r) => r.recommend_score));
    expect(overall!["nps.responses"]).toBe(raw.length);
    expect(overall!["nps.score"] as number).toBeCloseTo(e.score!, 9);
    expect(overall!["nps.score_margin_of_error"] as number).toBeCloseTo(e.moe!, 9);
  });

  it("KRS, CSAT and CES per touchpoint and overall", async () => {
    const krsRows = await cubeQuery({ measures: ["krs.responses", "krs.score"], dimensions: ["krs.touchpoint"] });
    const csatRows = await cubeQuery({ measures: ["csat.responses", "csat.score"], dimensions: ["csat.touchpoint"] });
    const cesRows = await cubeQuery({ measures: ["ces.responses", "ces.score"], dimensions: ["ces.touchpoint"] });
    const krsOfRaw = (rs: Raw[]) => {
      const full = rs.filter((r) => r.krs_satisfaction !== null && r.krs_trust !== null && r.krs_love !== null);
      const s = mean(full.map((r) => r.krs_satisfaction!));
      const t = mean(full.map((r) => r.krs_trust!));
      const l = mean(full.map((r) => r.krs_love!));
      return { n: full.length, score: s === null ? null : (s + t! + l!) / 3 };
    };
    const csatOfRaw = (rs: Raw[]) => {
      const c = rs.flatMap((r) => (r.csat === null ? [] : [r.csat]));
      return { n: c.length, score: c.length ? (100 * c.filter((x) => x >= 4).length) / c.length : null };
    };
    const cesOfRaw = (rs: Raw[]) => {
      const c = rs.flatMap((r) => (r.ces === null ? [] : [r.ces]));
      return { n: c.length, score: mean(c) };
    };
    for (const tp of new Set(raw.map((r) => r.touchpoint))) {
      const group = raw.filter((r) => r.touchpoint === tp);
      for (const [rows, view, e] of [
        [krsRows, "krs", krsOfRaw(group)],
        [csatRows, "csat", csatOfRaw(group)],
        [cesRows, "ces", cesOfRaw(group)],
      ] as const) {
        const row = rows.find((r) => r[`${view}.touchpoint`] === tp);
        if (e.n === 0) {
          // no answers in this group: no row, or (when the fact table has the group for the
          // other question) 0 responses and a null score — never a score of 0
          if (row) expect([row[`${view}.responses`], row[`${view}.score`]], `${view} ${tp}`).toEqual([0, null]);
          continue;
        }
        expect(row![`${view}.responses`], `${view} ${tp}`).toBe(e.n);
        expect(row![`${view}.score`] as number).toBeCloseTo(e.score!, 9);
      }
    }
    const [k] = await cubeQuery({ measures: ["krs.score"] });
    expect(k!["krs.score"] as number).toBeCloseTo(krsOfRaw(raw).score!, 9);
    const [c] = await cubeQuery({ measures: ["csat.score"] });
    expect(c!["csat.score"] as number).toBeCloseTo(csatOfRaw(raw).score!, 9);
    const [e] = await cubeQuery({ measures: ["ces.score"] });
    expect(e!["ces.score"] as number).toBeCloseTo(cesOfRaw(raw).score!, 9);
  });
});
