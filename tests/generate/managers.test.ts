/** Realistic account-manager volumes (#14): counted here from the sample's relationship export
 * (not from the generator's code): every manager serves one business unit, most get 40–150
 * relationship responses a year, a few fall below the minimum sample over four quarters; and in a
 * generated mixed export most relationship responses come from business customers. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCsv, toObjects } from "./csv.ts";
import { run as generate } from "./run.ts";

const root = join(import.meta.dirname, "../..");
const rows = toObjects(parseCsv(readFileSync(join(root, "seeds/sample/relationship-survey-2025-2026.csv"), "utf8").slice(1), ";").records);
const YEARS = 22 / 12; // 2025-01-01 … 2026-10-31

describe("account managers in the sample", () => {
  const managers = new Map<string, { n: number; last4: number; units: Set<string> }>();
  for (const r of rows) {
    const am = r["account_manager"] ?? "";
    if (!am) continue;
    const m = managers.get(am) ?? { n: 0, last4: 0, units: new Set<string>() };
    m.n++;
    m.units.add(r["business_unit"]!);
    const day = (r["answered_at"] ?? "").slice(0, 10);
    if (day >= "2025-10-01" && day <= "2026-09-30") m.last4++;
    managers.set(am, m);
  }

  it("20 managers, each serving one business unit", () => {
    expect(managers.size).toBe(20);
    for (const [am, m] of managers) expect(m.units.size, am).toBe(1);
  });

  it("most have 40–150 relationship responses a year; a few are below 30 over the last four quarters", () => {
    const perYear = [...managers.values()].map((m) => m.n / YEARS);
    expect(perYear.filter((v) => v >= 40 && v <= 150).length).toBeGreaterThanOrEqual(16);
    const below = [...managers.values()].filter((m) => m.last4 < 30).length;
    expect(below).toBeGreaterThanOrEqual(1);
    expect(below).toBeLessThanOrEqual(4);
  });
});

describe("generated mixed exports", () => {
  it("give ~80 % of relationship responses to business customers and managers within the customer's unit", async () => {
    const r = await generate({ responses: 6000, seed: 14 });
    const data = toObjects(parseCsv(readFileSync(r.files[0]!.path, "utf8"), ",").records);
    const rel = data.filter((x) => x["survey_type"] === "relationship");
    const business = rel.filter((x) => x["segment"] === "mkb" || x["segment"] === "zakelijk").length / rel.length;
    expect(business).toBeGreaterThan(0.75);
    expect(business).toBeLessThan(0.9);
    const unitOf = new Map<string, string>();
    for (const x of data) {
      if (!x["account_manager"]) continue;
      const seen = unitOf.get(x["account_manager"]);
      if (seen) expect(x["business_unit"]).toBe(seen);
      unitOf.set(x["account_manager"], x["business_unit"]!);
    }
    expect(unitOf.size).toBe(20);
  });
});
