/** Survey pressure on the sample with its distribution history, end to end with the real dbt
 * build and the semantic layer: the link of answers to invitations, the contact rules per
 * invitation and the `invitations` figures against a second implementation written here; the
 * rules of `promotor contacts eligible` against the warehouse's; the minimum sample and
 * row-level security. The committed sample is what the generator makes of the sample. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDbt } from "../../src/dbt/run.ts";
import { ingestDataset } from "../../src/ingest/dataset.ts";
import { contactRows, eligibleContacts } from "../../src/invitations/contacts.ts";
import { generateInvitations } from "../../src/invitations/generate.ts";
import { DEFAULT_CONTACT_RULES } from "../../src/invitations/rules.ts";
import { INVITATIONS } from "../../src/invitations/spec.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import type { SemanticLayer } from "../../src/semantic/types.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";

const SAMPLE = ["relationship-survey-2025-2026.csv", "touchpoint-surveys-qualtrics.csv", "app-feedback.parquet"].map((f) => join(projectRoot, "seeds", "sample", f));
const INVITATIONS_FILE = join(projectRoot, "seeds", "invitations", "invitations.csv");
const DAY = 86_400_000;
const Z = 1.96;

interface Inv { id: string; customer: string; sent: number; type: string; touchpoint: string | null; named: string | null }
interface Ans { id: string; customer: string; at: number; type: string; touchpoint: string | null; score: number }

const wilson = (x: number, n: number, side: -1 | 1): number => {
  const p = x / n;
  return (100 * (p + (Z * Z) / (2 * n) + side * Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n)))) / (1 + (Z * Z) / n);
};

describe("survey pressure on the sample", () => {
  let dir: string;
  let path: string;
  let layer: SemanticLayer;
  let invitations: Inv[];
  let answers: Ans[];
  /** invitation id -> response id, by the second implementation of the link. */
  const linked = new Map<string, string>();

  beforeAll(async () => {
    dir = tempDir("promotor-invitations-");
    path = join(dir, "promotor.duckdb");
    await ingestInto(path, SAMPLE);
    const wh = await openWarehouse(path);
    try {
      const r = await ingestDataset(wh.connection, INVITATIONS, INVITATIONS_FILE);
      expect(r.quarantined).toBe(0);
    } finally {
      wh.close();
    }
    const built = await runDbt(["build"], { warehouse: path });
    expect(built.exitCode, built.output.slice(-3000)).toBe(0);
    invitations = (await query(path, "SELECT invitation_id, customer_id, epoch_ms(sent_at) AS sent, survey_type, touchpoint, response_id FROM raw.invitations")).map((r) => ({
      id: String(r["invitation_id"]), customer: String(r["customer_id"]), sent: Number(r["sent"]), type: String(r["survey_type"]), touchpoint: (r["touchpoint"] as string | null) ?? null, named: (r["response_id"] as string | null) ?? null,
    }));
    answers = (await query(path, "SELECT response_id, customer_id, epoch_ms(answered_at) AS at, survey_type, touchpoint, recommend_score FROM raw.responses WHERE customer_id IS NOT NULL")).map((r) => ({
      id: String(r["response_id"]), customer: String(r["customer_id"]), at: Number(r["at"]), type: String(r["survey_type"]), touchpoint: (r["touchpoint"] as string | null) ?? null, score: Number(r["recommend_score"]),
    }));
    // The link, again: named answers at or after their invitation; the other answers to the latest
    // open invitation of the same customer, survey and touchpoint within 14 days; an invitation keeps its first.
    const byId = new Map(answers.map((a) => [a.id, a]));
    const named = new Set(invitations.filter((i) => i.named).map((i) => i.named!));
    for (const i of invitations) {
      const a = i.named ? byId.get(i.named) : undefined;
      if (a && a.at >= i.sent) linked.set(i.id, a.id);
    }
    const open = new Map<string, Inv[]>();
    for (const i of invitations.filter((x) => !x.named)) {
      const k = `${i.customer}|${i.type}|${i.touchpoint ?? ""}`;
      open.set(k, [...(open.get(k) ?? []), i]);
    }
    const firstAnswer = new Map<string, Ans>();
    for (const a of answers) {
      if (named.has(a.id)) continue;
      const candidates = (open.get(`${a.customer}|${a.type}|${a.touchpoint ?? ""}`) ?? []).filter((i) => i.sent <= a.at);
      if (candidates.length === 0) continue;
      const latest = candidates.reduce((m, i) => (i.sent > m.sent || (i.sent === m.sent && i.id > m.id) ? i : m));
      if (a.at >= latest.sent + 14 * DAY) continue;
      const f = firstAnswer.get(latest.id);
      if (!f || a.at < f.at || (a.at === f.at && a.id < f.id)) firstAnswer.set(latest.id, a);
    }
    for (const [i, a] of firstAnswer) linked.set(i, a.id);
    layer = await createSemanticLayer({ warehouse: path });
  }, 300_000);
  afterAll(async () => {
    await layer?.close();
  });

  it("the committed sample is what the generator makes of the sample", async () => {
    const out = join(dir, "invitations.csv");
    const wh = await openWarehouse(path, { readOnly: true });
    try {
      await generateInvitations(wh.connection, out, { seed: 42 });
    } finally {
      wh.close();
    }
    expect(readFileSync(out, "utf8")).toBe(readFileSync(INVITATIONS_FILE, "utf8"));
  });

  it("links each answer to the invitation the second implementation links it to", async () => {
    const rows = await query(path, "SELECT invitation_id, response_id FROM marts.fct_invitations WHERE response_id IS NOT NULL");
    expect(new Map(rows.map((r) => [String(r["invitation_id"]), String(r["response_id"])]))).toEqual(linked);
    expect(linked.size).toBeGreaterThan(6000);
    // Both ways of linking occur in the sample.
    expect((await query(path, "SELECT count(DISTINCT link) AS n FROM marts.fct_invitations WHERE link IS NOT NULL"))[0]?.["n"]).toBe(2);
  });

  it("the contact rule each invitation broke equals a second implementation of the default rules", async () => {
    const answersAt = (customer: string, touchpoint: string) => answers.filter((a) => a.customer === customer && a.touchpoint === touchpoint);
    const cases = (await query(path, "SELECT customer_id, epoch_ms(created_at) AS c, epoch_ms(closed_at) AS d FROM marts.fct_cases")).map((r) => ({ customer: String(r["customer_id"]), created: Number(r["c"]), closed: r["d"] === null ? null : Number(r["d"]) }));
    const byCustomer = new Map<string, Inv[]>();
    for (const i of invitations) byCustomer.set(i.customer, [...(byCustomer.get(i.customer) ?? []), i]);
    for (const list of byCustomer.values()) list.sort((a, b) => a.sent - b.sent || (a.id < b.id ? -1 : 1));
    const expected = new Map<string, string | null>();
    for (const list of byCustomer.values()) {
      list.forEach((i, k) => {
        const prev = k > 0 ? list[k - 1]! : null;
        let rule: string | null = null;
        if (prev && i.sent - prev.sent < 30 * DAY) rule = "min_days_between";
        else if (i.type === "relationship" && list.filter((x) => x.type === "relationship" && x.sent <= i.sent && x.sent >= i.sent - 365 * DAY).length > 2) rule = "max_per_365_days";
        else {
          const complaint = answersAt(i.customer, "complaint").filter((a) => a.at < i.sent);
          const latest = complaint.length ? Math.max(...complaint.map((a) => a.at)) : null;
          if (latest !== null && i.sent < latest + 14 * DAY) rule = "quiet_after_complaint";
          else {
            const before = cases.filter((c) => c.customer === i.customer && c.created <= i.sent);
            const last = before.length ? before.reduce((m, c) => (c.created > m.created ? c : m)) : null;
            if (last && (last.closed === null || last.closed > i.sent)) rule = "case_open";
          }
        }
        expected.set(i.id, rule);
      });
    }
    const rows = await query(path, "SELECT invitation_id, broken_rule FROM marts.fct_invitations");
    const actual = new Map(rows.map((r) => [String(r["invitation_id"]), (r["broken_rule"] as string | null) ?? null]));
    const diffs = [...expected].filter(([id, rule]) => actual.get(id) !== rule);
    expect(diffs.slice(0, 5)).toEqual([]);
    const kinds = new Set(expected.values());
    for (const k of ["min_days_between", "max_per_365_days", "case_open", null]) expect(kinds.has(k), String(k)).toBe(true);
  });

  it("promotor contacts eligible holds back by the same rules as the warehouse (each invitation judged at its own moment)", async () => {
    const rows = await query(path, `SELECT f.invitation_id, f.customer_id, epoch_ms(f.sent_at) AS sent, f.survey_type, f.touchpoint, f.broken_rule FROM marts.fct_invitations f
      WHERE NOT EXISTS (SELECT 1 FROM raw.invitations o WHERE o.customer_id = f.customer_id AND o.sent_at = f.sent_at AND o.invitation_id <> f.invitation_id)
      ORDER BY hash(f.invitation_id) LIMIT 120`);
    const file = join(dir, "one.csv");
    const wh = await openWarehouse(path, { readOnly: true });
    let compared = 0;
    try {
      for (const r of rows) {
        const { writeFileSync } = await import("node:fs");
        writeFileSync(file, `customer_id\n${String(r["customer_id"])}\n`);
        await eligibleContacts(wh.connection, {
          survey: r["survey_type"] as "relationship" | "touchpoint",
          ...(r["touchpoint"] ? { touchpoint: String(r["touchpoint"]) } : {}),
          at: new Date(Number(r["sent"])),
          customers: file,
          rules: DEFAULT_CONTACT_RULES,
        });
        const { held } = await contactRows(wh.connection);
        expect(held[0]?.rule ?? null, String(r["invitation_id"])).toBe((r["broken_rule"] as string | null) ?? null);
        compared++;
      }
    } finally {
      wh.close();
    }
    expect(compared).toBe(120);
  }, 120_000);

  it("the invitations figures equal the second implementation: response rate by rank with Wilson intervals, the often / rarely asked NPS", async () => {
    const ranks = (await query(path, "SELECT invitation_id, invitation_rank FROM marts.fct_invitations")).map((r) => [String(r["invitation_id"]), Number(r["invitation_rank"])] as const);
    // The rank again: invitations of the customer in the 365 days up to this one (ties included).
    const byCustomer = new Map<string, Inv[]>();
    for (const i of invitations) byCustomer.set(i.customer, [...(byCustomer.get(i.customer) ?? []), i]);
    const rankOf = new Map(invitations.map((i) => [i.id, byCustomer.get(i.customer)!.filter((x) => x.sent <= i.sent && x.sent >= i.sent - 365 * DAY).length]));
    expect(new Map(ranks)).toEqual(rankOf);
    const bucket = (n: number) => (n >= 4 ? "4+" : String(n));
    const { data } = await layer.load({ measures: ["invitations.invitation_count", "invitations.answered", "invitations.response_rate", "invitations.response_rate_low", "invitations.response_rate_high"], dimensions: ["invitations.rank_bucket"] });
    for (const row of data) {
      const b = String(row["invitations.rank_bucket"]);
      const mine = invitations.filter((i) => bucket(rankOf.get(i.id)!) === b);
      const x = mine.filter((i) => linked.has(i.id)).length;
      expect(Number(row["invitations.invitation_count"]), b).toBe(mine.length);
      expect(Number(row["invitations.answered"]), b).toBe(x);
      expect(Number(row["invitations.response_rate_low"])).toBeCloseTo(wilson(x, mine.length, -1), 9);
      expect(Number(row["invitations.response_rate_high"])).toBeCloseTo(wilson(x, mine.length, 1), 9);
    }
    const rate = (b: string) => Number(data.find((r) => r["invitations.rank_bucket"] === b)!["invitations.response_rate"]);
    // The generated effect shows: the fourth and later invitations get fewer answers than the first.
    expect(rate("4+")).toBeLessThan(rate("1") - 10);
    const score = new Map(answers.map((a) => [a.id, a.score]));
    const group = (often: boolean) => {
      const s = invitations.filter((i) => linked.has(i.id) && (rankOf.get(i.id)! >= 3) === often).map((i) => score.get(linked.get(i.id)!)!);
      const p = s.filter((v) => v >= 9).length / s.length;
      const d = s.filter((v) => v <= 6).length / s.length;
      return { nps: 100 * (p - d), variance: (p + d - (p - d) ** 2) / s.length };
    };
    const often = group(true);
    const rarely = group(false);
    const t = (await layer.load({ measures: ["invitations.nps_often", "invitations.nps_rarely", "invitations.nps_often_difference", "invitations.nps_often_difference_low", "invitations.nps_often_z"] })).data[0]!;
    expect(Number(t["invitations.nps_often"])).toBeCloseTo(often.nps, 9);
    expect(Number(t["invitations.nps_rarely"])).toBeCloseTo(rarely.nps, 9);
    const se = 100 * Math.sqrt(often.variance + rarely.variance);
    expect(Number(t["invitations.nps_often_difference_low"])).toBeCloseTo(often.nps - rarely.nps - Z * se, 9);
    expect(Number(t["invitations.nps_often_z"])).toBeCloseTo((often.nps - rarely.nps) / se, 9);
  });

  it("suppresses small groups and applies row-level security", async () => {
    const { data } = await layer.load({ measures: ["invitations.invitation_count", "invitations.response_rate", "invitations.response_rate_reported"], dimensions: ["invitations.account_manager", "invitations.rank_bucket", "invitations.survey_type"] });
    let small = 0;
    for (const r of data) {
      if (Number(r["invitations.invitation_count"]) < 30) {
        small++;
        expect(r["invitations.response_rate_reported"]).toBeNull();
      } else expect(Number(r["invitations.response_rate_reported"])).toBeCloseTo(Number(r["invitations.response_rate"]), 9);
    }
    expect(small).toBeGreaterThan(0);
    const units = await query(path, "SELECT business_unit, count(*) AS n FROM marts.fct_invitations WHERE business_unit IS NOT NULL GROUP BY 1 ORDER BY 1");
    const unit = String(units[0]!["business_unit"]);
    const seen = (await layer.load({ measures: ["invitations.invitation_count"] }, { role: "business_unit", business_unit: unit })).data[0]!;
    expect(Number(seen["invitations.invitation_count"])).toBe(Number(units[0]!["n"]));
    const none = (await layer.load({ measures: ["invitations.invitation_count"] }, { role: "account_manager", account_manager: "nobody-at-all" })).data[0] ?? {};
    expect(Number(none["invitations.invitation_count"] ?? 0)).toBe(0);
  });
});
