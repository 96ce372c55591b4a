import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PHRASES, THEMES } from "../../src/generate/reasons.ts";
import { DRIVERS, TOUCHPOINTS } from "../../src/generate/vocabulary.ts";
import { parseCsv, toObjects } from "./csv.ts";

const reference = (name: string): Record<string, string>[] =>
  toObjects(parseCsv(readFileSync(join(import.meta.dirname, "../../seeds/reference", name), "utf8"), ",").records.filter((r) => r.join("") !== ""));

describe("generator vocabulary matches seeds/reference", () => {
  it("uses the touchpoint codes of touchpoints.csv, in journey order", () => {
    const rows = reference("touchpoints.csv").sort((a, b) => Number(a["journey_order"]) - Number(b["journey_order"]));
    expect(TOUCHPOINTS.map((t) => t.code)).toEqual(rows.map((r) => r["touchpoint"]));
  });

  it("uses the driver codes of drivers.csv, in driver order", () => {
    const rows = reference("drivers.csv").sort((a, b) => Number(a["driver_order"]) - Number(b["driver_order"]));
    expect(DRIVERS.map((d) => d.code)).toEqual(rows.map((r) => r["driver"]));
  });

  it("writes reasons that hit their own theme's keywords and no other theme's", () => {
    const lexicon = reference("theme_lexicon.csv");
    expect([...new Set(lexicon.map((r) => r["theme"]))].sort()).toEqual([...THEMES].sort());
    let phrases = 0;
    for (const theme of THEMES) {
      for (const language of ["nl", "en"] as const) {
        for (const list of Object.values(PHRASES[theme][language])) {
          expect(list.length).toBeGreaterThanOrEqual(2); // some variety per theme, language and sentiment
          for (const text of list) {
            const hit = new Set(lexicon.filter((r) => r["language"] === language && text.toLowerCase().includes(r["keyword"]!)).map((r) => r["theme"]));
            expect([...hit], `${language}: ${text}`).toEqual([theme]);
            phrases++;
          }
        }
      }
    }
    expect(phrases).toBeGreaterThanOrEqual(6 * 2 * 3 * 2);
  });
});
