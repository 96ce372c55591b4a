/** Which queries the semantic layer may keep prepared: not those whose SQL depends on the clock. */
import { describe, expect, it } from "vitest";
import { dependsOnNow } from "../../src/semantic/layer.ts";

describe("dependsOnNow", () => {
  it("is true for a relative date range or a compared range, false for fixed dates or none", () => {
    const td = (extra: Record<string, unknown>) => ({ measures: ["nps.score"], timeDimensions: [{ dimension: "nps.answered_at", ...extra }] });
    expect(dependsOnNow(td({ dateRange: "last 7 days" }))).toBe(true);
    expect(dependsOnNow(td({ dateRange: "this quarter", granularity: "month" }))).toBe(true);
    expect(dependsOnNow(td({ compareDateRange: ["this month", "last month"] }))).toBe(true);
    expect(dependsOnNow(td({ dateRange: ["2026-01-01", "2026-03-31"] }))).toBe(false);
    expect(dependsOnNow(td({ granularity: "month" }))).toBe(false);
    expect(dependsOnNow({ measures: ["nps.score"] })).toBe(false);
  });
});
