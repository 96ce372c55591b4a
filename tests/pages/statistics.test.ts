/** #14 sources on a hand-made warehouse: nps_rolling / nps_quarter_groups / driver_evidence
 * recomputed independently (counts straight from the response rows in TypeScript, statistics from
 * src/measures' reference implementations), the minimum-sample rule in every generated source at
 * 10, 30 and 50, and no published figure of a group that moves when a suppressed group's answers change. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import {
  fisherInterval, groupsVsRest, npsAdjustedWald, npsDifference, npsMarginOfError, npsScore, shapleyR2, shrinkNps, type NpsCounts,
} from "../../src/measures/index.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { SOURCE_QUERIES, type SourceQuery } from "../../src/pages/source-queries.ts";
import { sourceSql } from "../../src/pages/source-sql.ts";
import { buildFixtureWarehouse, generatedResponses, type FixtureResponse } from "../semantic/fixture.ts";

type Row = Record<string, unknown>;
const RESPONSES = generatedResponses(2400, 41);
/** One extra manager with a handful of answers: suppressed everywhere. */
const SMALL_MANAGER: FixtureResponse[] = RESPONSES.filter((r) => r.survey === "relationship" && r.bu === "north").slice(0, 6).map((r, i) => ({ ...r, id: `z${i}`, am: "zoe" }));

interface Fx { path: string; cleanup(): void; layer: SemanticLayer }
async function open(rows: FixtureResponse[], name: string): Promise<Fx> {
  const fx = await buildFixtureWarehouse(rows, name);
  const layer = await createSemanticLayer({ warehouse: fx.path, preAggregations: false });
  return { path: fx.path, cleanup: fx.cleanup, layer };
}

async function run(fx: Fx, source: SourceQuery, minimumSample: number): Promise<Row[]> {
  const wh = await openWarehouse(fx.path, { readOnly: true });
  try {
    const sql = await sourceSql(source, {
      cubeSql: (q) => fx.layer.sql(q),
      columns: async (q) => (await queryRows(wh.connection, `DESCRIBE ${q}`)).map((r) => String(r["column_name"])),
      fingerprints: { model: "test", sources: "test" },
      minimumSample,
    });
    return (await queryRows(wh.connection, sql.split("\n").filter((l) => !l.startsWith("--")).join("\n"))) as Row[];
  } finally {
    wh.close();
  }
}

let base: Fx;
let withSmall: Fx;
beforeAll(async () => {
  base = await open(RESPONSES, "stats");
  withSmall = await open([...RESPONSES, ...SMALL_MANAGER], "stats-small");
}, 120_000);
afterAll(async () => {
  for (const fx of [base, withSmall]) {
    await fx?.layer.close();
    fx?.cleanup();
  }
});

const source = (name: string): SourceQuery => SOURCE_QUERIES.find((s) => s.name === name)!;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const quarterStart = (at: string): number => {
  const d = new Date(at.replace(" ", "T") + "Z");
  return Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1);
};
const addMonths = (t: number, m: number): number => {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + m, 1);
};
const counts = (rs: FixtureResponse[]): NpsCounts => ({
  promoters: rs.filter((r) => r.rec >= 9).length,
  passives: rs.filter((r) => r.rec === 7 || r.rec === 8).length,
  detractors: rs.filter((r) => r.rec <= 6).length,
});

/** The rolling statistics of the account managers, computed here from the rows. */
function expectedManagers(rows: FixtureResponse[], quarters: number, minimum: number, windowQuarter: number) {
  const rel = rows.filter((r) => r.survey === "relationship");
  const inWindow = (r: FixtureResponse, end: number) => quarterStart(r.at) <= end && quarterStart(r.at) > addMonths(end, -3 * quarters);
  const managers = [...new Set(rel.map((r) => r.am))].sort();
  const unitOf = (am: string): string => {
    const byUnit = new Map<string, number>();
    for (const r of rel.filter((x) => x.am === am)) byUnit.set(r.bu, (byUnit.get(r.bu) ?? 0) + 1);
    return [...byUnit.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  };
  const groups = managers.map((am) => ({ key: am, unit: unitOf(am), counts: counts(rel.filter((r) => r.am === am && inWindow(r, windowQuarter))) }));
  const previous = new Map(managers.map((am) => [am, counts(rel.filter((r) => r.am === am && inWindow(r, addMonths(windowQuarter, -3 * quarters))))]));
  const n = (c: NpsCounts) => c.promoters + c.passives + c.detractors;
  const reported = groups.filter((g) => n(g.counts) >= minimum);
  const vsRest = new Map(groupsVsRest(reported, { minimumSample: minimum }).map((v) => [v.key, v]));
  const shrunk = new Map<string, ReturnType<typeof shrinkNps>["people"][number] & { unitNps: number | null }>();
  for (const unit of new Set(reported.map((g) => g.unit))) {
    const fit = shrinkNps(reported.filter((g) => g.unit === unit));
    for (const p of fit.people) shrunk.set(p.key, { ...p, unitNps: fit.unitNps });
  }
  return groups.map((g) => ({ ...g, previous: previous.get(g.key)!, vs: vsRest.get(g.key), shrunk: shrunk.get(g.key), ok: n(g.counts) >= minimum }));
}

describe.each([
  ["nps_rolling", 4, 30],
  ["nps_quarter_groups", 1, 40],
])("%s (%i quarter windows) at minimum %i", (name, quarters, minimum) => {
  it("matches the statistics recomputed from the response rows for every account manager and window", async () => {
    const rows = (await run(base, source(name), minimum)).filter((r) => r["scope"] === "account_manager");
    const time = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
    const windows = [...new Set(rows.map((r) => time(r["window_quarter"])))];
    expect(windows.length).toBeGreaterThan(2);
    let compared = 0;
    let suppressed = 0;
    for (const w of windows) {
      for (const e of expectedManagers(RESPONSES, quarters, minimum, w)) {
        const row = rows.find((r) => r["scope_value"] === e.key && time(r["window_quarter"]) === w)!;
        expect(row, `${e.key} ${new Date(w).toISOString()}`).toBeDefined();
        const n = e.counts.promoters + e.counts.passives + e.counts.detractors;
        expect(num(row["responses"])).toBe(n);
        expect(row["unit"]).toBe(e.unit);
        if (!e.ok) {
          suppressed++;
          expect(row["nps"]).toBeNull();
          expect(row["shrunk_nps"]).toBeNull();
          expect(row["vs_rest_verdict"]).toBe("too_few");
          continue;
        }
        compared++;
        expect(num(row["nps"])).toBeCloseTo(npsScore(e.counts)!, 9);
        expect(num(row["nps_moe"])).toBeCloseTo(npsMarginOfError(e.counts)!, 9);
        const ci = npsAdjustedWald(e.counts)!;
        expect(num(row["nps_low"])).toBeCloseTo(ci.low, 9);
        expect(num(row["nps_high"])).toBeCloseTo(ci.high, 9);
        if (e.shrunk?.weight != null) {
          expect(num(row["shrunk_nps"])).toBeCloseTo(e.shrunk.estimate!, 8);
          expect(num(row["shrunk_low"])).toBeCloseTo(e.shrunk.low!, 8);
          expect(num(row["shrink_weight"])).toBeCloseTo(e.shrunk.weight, 9);
          expect(num(row["unit_nps"])).toBeCloseTo(e.shrunk.unitNps!, 9);
        }
        if (e.vs && e.vs.p !== null) {
          expect(num(row["vs_rest_difference"])).toBeCloseTo(e.vs.difference!, 9);
          expect(num(row["vs_rest_p"])).toBeCloseTo(e.vs.p, 6);
          expect(num(row["vs_rest_p_holm"])).toBeCloseTo(e.vs.pHolm!, 6);
          expect(row["vs_rest_verdict"]).toBe(e.vs.verdict);
        }
        const prevN = e.previous.promoters + e.previous.passives + e.previous.detractors;
        if (prevN >= minimum) {
          const d = npsDifference(e.counts, e.previous)!;
          expect(num(row["nps_change"])).toBeCloseTo(d.difference, 9);
          expect(num(row["nps_change_low"])).toBeCloseTo(d.low, 9);
          expect(row["nps_change_significant"]).toBe(d.significant);
          expect(row["change_verdict"]).toBe(d.significant ? (d.difference > 0 ? "improvement" : "drop") : "no_change");
        } else {
          expect(row["nps_change"]).toBeNull();
        }
      }
    }
    expect(compared).toBeGreaterThan(3);
    if (name === "nps_quarter_groups") expect(suppressed).toBeGreaterThan(0);
  });
});

describe("driver_evidence", () => {
  it("Fisher-z interval and Shapley shares equal the TypeScript computed from the complete responses", async () => {
    const rows = (await run(base, source("driver_evidence"), 30)).filter((r) => r["scope"] === "total");
    const complete = RESPONSES.filter((r) => r.drivers.every((d) => d !== null));
    const cols = [0, 1, 2, 3].map((j) => complete.map((r) => r.drivers[j]!));
    const y = complete.map((r) => r.rec);
    const corr = (a: number[], b: number[]) => {
      const ma = a.reduce((s, v) => s + v, 0) / a.length, mb = b.reduce((s, v) => s + v, 0) / b.length;
      let ab = 0, aa = 0, bb = 0;
      a.forEach((v, i) => { ab += (v - ma) * (b[i]! - mb); aa += (v - ma) ** 2; bb += (b[i]! - mb) ** 2; });
      return ab / Math.sqrt(aa * bb);
    };
    const rxy = cols.map((c) => corr(c, y));
    const s = shapleyR2(cols.map((a) => cols.map((b) => corr(a, b))), rxy)!;
    expect(rows).toHaveLength(4);
    rows.forEach((row, j) => {
      expect(num(row["responses"])).toBe(complete.length);
      const ci = fisherInterval(rxy[j]!, complete.length)!;
      expect(num(row["importance"])).toBeCloseTo(rxy[j]!, 9);
      expect(num(row["importance_low"])).toBeCloseTo(ci.low, 9);
      expect(row["importance_significant"]).toBe(ci.significant);
      expect(num(row["relative_importance"])).toBeCloseTo(s.shapley[j]!, 9);
      expect(num(row["model_r2"])).toBeCloseTo(s.r2, 9);
    });
  });
});

/** Columns a suppressed row may still show: who/when it is, its count, and codes saying why. */
const IDENTITY = /^(scope|scope_value|unit|period|month|window|previous_window|previous_period|driver|touchpoint|journey|profile|is_|comparable$)|meets_minimum_sample$/;
const CODES = new Set(["too_few", "no_previous"]);

describe.each([10, 30, 50])("minimum sample %i in every generated source", (minimum) => {
  it("a row below the minimum shows nothing but its count, labels and 'too few'; previous-period figures follow the previous count", async () => {
    let checked = 0;
    for (const s of SOURCE_QUERIES.filter((q) => q.sample)) {
      const rows = await run(base, s, minimum);
      const sampleCol = s.statistics ? "responses" : s.sample!;
      const prevCol = rows[0] && "previous_responses" in rows[0] ? "previous_responses" : null;
      for (const row of rows) {
        const n = Number(row[sampleCol] ?? 0);
        const pn = prevCol ? Number(row[prevCol] ?? 0) : Infinity;
        for (const [col, value] of Object.entries(row)) {
          if (value === null || col === sampleCol || col === prevCol || IDENTITY.test(col)) continue;
          if (typeof value === "string" && CODES.has(value)) continue;
          const previousOnly = col.startsWith("previous_");
          const both = /change|^comparable$/.test(col);
          const small = previousOnly ? pn < minimum : both ? n < minimum || pn < minimum : n < minimum;
          if (/_split$|quadrant/.test(col) && n >= minimum) continue;
          expect(small, `${s.name}.${col} = ${String(value)} at n = ${n}${prevCol ? ` (previous ${pn})` : ""}`).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  }, 120_000);
});

describe("a suppressed group moves nothing that is published", () => {
  it("adding a manager with 6 answers changes no account-manager figure but that manager's count", async () => {
    for (const name of ["nps_rolling", "nps_quarter_groups"]) {
      const before = (await run(base, source(name), 30)).filter((r) => r["scope"] === "account_manager");
      const after = (await run(withSmall, source(name), 30)).filter((r) => r["scope"] === "account_manager");
      const zoe = after.filter((r) => r["scope_value"] === "zoe");
      expect(zoe.length).toBeGreaterThan(0);
      expect(zoe.some((r) => Number(r["responses"]) > 0)).toBe(true);
      for (const r of zoe) for (const [k, v] of Object.entries(r)) if (!IDENTITY.test(k) && k !== "responses" && k !== "previous_responses" && !CODES.has(String(v))) expect(v, `zoe.${k}`).toBeNull();
      expect(after.filter((r) => r["scope_value"] !== "zoe")).toEqual(before);
    }
  }, 120_000);
});
