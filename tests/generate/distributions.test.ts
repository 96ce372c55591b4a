import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { nps, parseCsv, pearson, toObjects } from "./csv.ts";
import { run } from "./run.ts";

const N = 60_000;
let rows: Record<string, string>[] = [];

beforeAll(async () => {
  const s = await run({ responses: N, seed: 2024 });
  rows = toObjects(parseCsv(readFileSync(s.files[0]!.path, "utf8"), ",").records);
});

const num = (v: string | undefined): number => Number(v);
const answered = (col: string) => rows.filter((r) => r[col] !== "");
const share = (pred: (r: Record<string, string>) => boolean, of = rows): number => of.filter(pred).length / of.length;

describe("survey mix and population", () => {
  it("has ~40 % relationship and ~60 % touchpoint surveys, ~80 % Dutch", () => {
    expect(rows).toHaveLength(N);
    expect(share((r) => r["survey_type"] === "relationship")).toBeCloseTo(0.4, 1);
    expect(share((r) => r["survey_type"] === "touchpoint" && r["touchpoint"] !== "")).toBeCloseTo(0.6, 1);
    expect(share((r) => r["survey_type"] === "relationship" && r["touchpoint"] === "")).toBeCloseTo(0.4, 1);
    expect(share((r) => r["language"] === "nl")).toBeGreaterThan(0.74);
    expect(share((r) => r["language"] === "nl")).toBeLessThan(0.86);
  });

  it("gives account managers only to business segments, one per customer, stable customers", () => {
    const business = new Set(["mkb", "zakelijk"]);
    expect(rows.filter((r) => (r["account_manager"] !== "") !== business.has(r["segment"]!))).toEqual([]);
    const byCustomer = new Map<string, string>();
    for (const r of rows) {
      const key = [r["segment"], r["business_unit"], r["account_manager"], r["language"]].join("|");
      const seen = byCustomer.get(r["customer_id"]!);
      if (seen !== undefined) expect(key).toBe(seen);
      byCustomer.set(r["customer_id"]!, key);
    }
    expect(N / byCustomer.size).toBeGreaterThan(1.5); // customers answer several times
    expect(new Set(rows.map((r) => r["account_manager"]).filter((m) => m !== "")).size).toBe(20);
    expect(new Set(rows.map((r) => r["segment"]))).toEqual(new Set(["particulier", "zzp", "mkb", "zakelijk"]));
    expect(new Set(rows.map((r) => r["business_unit"]))).toEqual(new Set(["schade", "leven", "hypotheken", "bankieren"]));
    expect(new Set(rows.map((r) => r["channel"]))).toEqual(new Set(["web", "app", "telefoon", "kantoor", "email"]));
  });

  it("keeps rows in time order inside the period", () => {
    expect(rows.filter((r, i) => i > 0 && r["answered_at"]! < rows[i - 1]!["answered_at"]!)).toEqual([]);
    expect(rows[0]!["answered_at"]! >= "2025-01-01T00:00:00").toBe(true);
    expect(rows.at(-1)!["answered_at"]! <= "2026-10-31T23:59:59").toBe(true);
  });
});

describe("scores", () => {
  const byTouchpoint = (): Map<string, number> => {
    const groups = new Map<string, number[]>();
    for (const r of rows) if (r["touchpoint"]) groups.set(r["touchpoint"], [...(groups.get(r["touchpoint"]) ?? []), num(r["recommend_score"])]);
    return new Map([...groups].map(([k, v]) => [k, nps(v)]));
  };

  it("stays on the scales", () => {
    const onScale = (v: string | undefined, lo: number, hi: number): boolean => /^\d+$/.test(v!) && num(v) >= lo && num(v) <= hi;
    expect(rows.filter((r) => !onScale(r["recommend_score"], 0, 10))).toEqual([]);
    expect(rows.filter((r) => r["csat"] !== "" && !onScale(r["csat"], 1, 5))).toEqual([]);
    expect(rows.filter((r) => r["ces"] !== "" && !onScale(r["ces"], 1, 7))).toEqual([]);
    for (const c of ["driver_process", "driver_product_price", "driver_reputation_image", "driver_emotional_engagement", "krs_satisfaction", "krs_trust", "krs_love"]) {
      expect(rows.filter((r) => r[c] !== "" && !onScale(r[c], 0, 10))).toEqual([]);
    }
    // the whole scale is used
    expect(new Set(rows.map((r) => r["recommend_score"])).size).toBe(11);
  });

  it("differs by touchpoint: app and onboarding good, call centre middling, complaint poor", () => {
    const t = byTouchpoint();
    expect([...t.keys()].sort()).toEqual(["app", "call_centre", "claim", "complaint", "mortgage_advice", "onboarding"]);
    expect(t.get("app")!).toBeGreaterThan(20);
    expect(t.get("onboarding")!).toBeGreaterThan(10);
    expect(t.get("complaint")!).toBeLessThan(-40);
    expect(t.get("app")! - t.get("complaint")!).toBeGreaterThan(60);
    expect(t.get("call_centre")!).toBeLessThan(t.get("onboarding")!);
    expect(t.get("call_centre")!).toBeGreaterThan(t.get("complaint")!);
  });

  it("shows a clear, significant call-centre improvement and month-on-month movement", () => {
    const cc = rows.filter((r) => r["touchpoint"] === "call_centre");
    const early = cc.filter((r) => r["answered_at"]! < "2025-07").map((r) => num(r["recommend_score"]));
    const late = cc.filter((r) => r["answered_at"]! >= "2026-05").map((r) => num(r["recommend_score"]));
    // z test of DESIGN.md written out here: V = 100² (p + d − (p − d)²)
    const v = (s: number[]): number => {
      const p = s.filter((x) => x >= 9).length / s.length;
      const d = s.filter((x) => x <= 6).length / s.length;
      return 1e4 * (p + d - (p - d) ** 2);
    };
    const z = (nps(late) - nps(early)) / Math.sqrt(v(late) / late.length + v(early) / early.length);
    expect(nps(late) - nps(early)).toBeGreaterThan(25);
    expect(z).toBeGreaterThan(1.96);
    const monthly = new Map<string, number[]>();
    for (const r of rows) monthly.set(r["answered_at"]!.slice(0, 7), [...(monthly.get(r["answered_at"]!.slice(0, 7)) ?? []), num(r["recommend_score"])]);
    expect(monthly.size).toBe(22);
    const series = [...monthly.values()].map(nps);
    const changes = series.slice(1).map((x, i) => Math.abs(x - series[i]!));
    expect(Math.max(...changes)).toBeGreaterThan(2);
    expect(series.at(-1)! - series[0]!).toBeGreaterThan(5); // mild upward trend overall
  });

  it("correlates every driver with recommend_score, with different strengths", () => {
    const cols = ["driver_process", "driver_product_price", "driver_reputation_image", "driver_emotional_engagement"];
    const r = cols.map((c) => {
      const a = answered(c);
      return pearson(a.map((x) => num(x[c])), a.map((x) => num(x["recommend_score"])));
    });
    for (const x of r) expect(x).toBeGreaterThan(0.3);
    expect(Math.max(...r) - Math.min(...r)).toBeGreaterThan(0.15);
    for (const c of ["krs_satisfaction", "krs_trust", "krs_love", "csat", "ces"]) {
      const a = answered(c);
      expect(pearson(a.map((x) => num(x[c])), a.map((x) => num(x["recommend_score"])))).toBeGreaterThan(0.3);
    }
    const both = rows.filter((x) => x["csat"] !== "" && x["ces"] !== "");
    expect(pearson(both.map((x) => num(x["csat"])), both.map((x) => num(x["ces"])))).toBeGreaterThan(0.3);
  });

  it("asks csat and ces mostly on touchpoint surveys and leaves optional items blank sometimes", () => {
    const tp = rows.filter((r) => r["survey_type"] === "touchpoint");
    const rel = rows.filter((r) => r["survey_type"] === "relationship");
    expect(share((r) => r["csat"] !== "", tp)).toBeGreaterThan(0.85);
    expect(share((r) => r["ces"] !== "", tp)).toBeGreaterThan(0.8);
    expect(share((r) => r["csat"] !== "", rel)).toBeLessThan(0.3);
    expect(share((r) => r["ces"] !== "", rel)).toBe(0);
    expect(share((r) => r["driver_process"] === "", rel)).toBeGreaterThan(0.01);
    expect(share((r) => r["krs_love"] === "", rel)).toBeGreaterThan(0.01);
  });
});

describe("open answers", () => {
  const lexicon = readFileSync(join(import.meta.dirname, "../../seeds/reference/theme_lexicon.csv"), "utf8")
    .trim().split("\n").slice(1).map((l) => l.split(",")) as [string, string, string][];

  it("fills ~60 % of reasons, in the respondent's language, hitting the theme lexicon", () => {
    const withReason = answered("recommend_reason");
    expect(withReason.length / N).toBeGreaterThan(0.5);
    expect(withReason.length / N).toBeLessThan(0.7);
    for (const r of withReason) {
      const text = r["recommend_reason"]!.toLowerCase();
      const hits = lexicon.filter(([, lang, kw]) => lang === r["language"] && text.includes(kw));
      expect(hits.length, text).toBeGreaterThan(0);
    }
    const themes = new Set(withReason.map((r) => lexicon.find(([, lang, kw]) => lang === r["language"] && r["recommend_reason"]!.toLowerCase().includes(kw))![0]));
    expect(themes.size).toBe(6);
  });

  it("ties the reason to the score: price complaints come from lower scores than praise", () => {
    const mean = (xs: Record<string, string>[]): number => xs.reduce((a, r) => a + num(r["recommend_score"]), 0) / xs.length;
    const nl = rows.filter((r) => r["language"] === "nl");
    const tooExpensive = nl.filter((r) => r["recommend_reason"]!.includes("te duur"));
    const praise = nl.filter((r) => /^(Top service|Snel en goed|Zeer behulpzaam)/.test(r["recommend_reason"]!));
    expect(tooExpensive.length).toBeGreaterThan(30);
    expect(mean(tooExpensive)).toBeLessThan(6.5);
    expect(mean(praise)).toBeGreaterThan(8.8);
  });
});
