/** The follow-up settings (promotor.yaml `follow_up`) and the rules a case change must follow:
 * every mistake names its key or row and the fix. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyEvent, checkChange, type CaseState, type ControlledLists } from "../../src/cases/cases.ts";
import { caseRulesEnv, DEFAULT_RULE, parseFollowUp, readFollowUp } from "../../src/cases/config.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { tempDir } from "../helpers/warehouse.ts";

const message = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return error instanceof PromotorError ? error.describe() : String(error);
  }
  return "no error";
};

describe("follow_up in promotor.yaml", () => {
  it("without the section: every detractor opens a case, 48 hours, the three statuses", () => {
    const s = parseFollowUp(undefined);
    expect(s.rules).toEqual([DEFAULT_RULE]);
    expect(s.statuses).toEqual(["open", "in_progress", "closed"]);
    expect(s.businessHours).toBe(false);
    expect(JSON.parse(caseRulesEnv(s)["PROMOTOR_CASE_RULES"]!)).toEqual([{ name: "detractor", when: { category: "detractor" }, priority: "high", sla_hours: 48 }]);
  });

  it("reads rules with keywords, touchpoints, segments and thresholds, in order, with their SLA and priority", () => {
    const s = parseFollowUp({
      sla_hours: 24,
      business_hours: true,
      statuses: ["waiting_for_customer"],
      rules: [
        { name: "cancellation_risk", when: { keywords: ["Opzeggen", "cancel"] }, priority: "urgent", sla_hours: 8 },
        { name: "complaint", when: { touchpoints: "complaint", ces_max: 3 } },
        { name: "detractor", when: { category: "detractor", segments: ["mkb", "zakelijk"] }, priority: "high" },
      ],
    });
    expect(s.rules.map((r) => [r.name, r.priority, r.sla_hours])).toEqual([["cancellation_risk", "urgent", 8], ["complaint", "normal", 24], ["detractor", "high", 24]]);
    expect(s.rules[0]!.when.keywords).toEqual(["opzeggen", "cancel"]);
    expect(s.rules[1]!.when).toEqual({ touchpoints: ["complaint"], ces_max: 3 });
    expect(s.statuses).toEqual(["open", "in_progress", "closed", "waiting_for_customer"]);
    expect(caseRulesEnv(s)["PROMOTOR_CASE_BUSINESS_HOURS"]).toBe("true");
  });

  it("names the key and the fix for every mistake", () => {
    expect(message(() => parseFollowUp({ sla: 48 }))).toMatch(/promotor\.yaml: follow_up\.sla: unknown key\n {2}fix: use one of sla_hours, business_hours, statuses, rules/);
    expect(message(() => parseFollowUp({ rules: [{ name: "x", when: { category: "angry" } }] }))).toMatch(/follow_up\.rules\[0\]\.when\.category: must be detractor, passive or promoter \(found "angry"\)/);
    expect(message(() => parseFollowUp({ rules: [{ name: "x", when: { ces_max: 9 } }] }))).toMatch(/rules\[0\]\.when\.ces_max: must be a whole number from 1 to 7/);
    expect(message(() => parseFollowUp({ rules: [{ name: "x", when: {} }] }))).toMatch(/has no condition, so it would open a case for every answer/);
    expect(message(() => parseFollowUp({ rules: [{ name: "x", when: { keyword: ["a"] } }] }))).toMatch(/rules\[0\]\.when\.keyword: unknown key\n {2}fix: use one of category, keywords/);
    expect(message(() => parseFollowUp({ rules: [{ name: "a", when: { category: "detractor" } }, { name: "a", when: { category: "passive" } }] }))).toMatch(/rules\[1\]\.name: "a" is used by two rules/);
    expect(message(() => parseFollowUp({ rules: [{ name: "Big Rule", when: { category: "detractor" } }] }))).toMatch(/rules\[0\]\.name: must be a code/);
    expect(message(() => parseFollowUp({ rules: [{ name: "a", when: { category: "detractor" }, priority: "asap" }] }))).toMatch(/priority: must be one of low, normal, high, urgent/);
    expect(message(() => parseFollowUp({ sla_hours: -1 }))).toMatch(/sla_hours: must be a number of hours above 0/);
    expect(message(() => parseFollowUp({ statuses: ["closed"] }))).toMatch(/"closed" is a built-in status/);
    expect(message(() => parseFollowUp({ business_hours: "yes" }))).toMatch(/business_hours: must be true or false/);
  });

  it("reads the section from the project's promotor.yaml, and says so when the YAML is broken", () => {
    const root = tempDir();
    expect(readFollowUp(root).rules).toEqual([DEFAULT_RULE]);
    writeFileSync(join(root, "promotor.yaml"), "organisation:\n  name: Acme\nfollow_up:\n  rules:\n    - name: complaint\n      when: { touchpoints: [complaint] }\n");
    expect(readFollowUp(root).rules.map((r) => r.name)).toEqual(["complaint"]);
    writeFileSync(join(root, "promotor.yaml"), "follow_up:\n  rules: [\n");
    expect(message(() => readFollowUp(root))).toMatch(/^promotor\.yaml: promotor\.yaml is not valid YAML/);
    mkdirSync(join(root, "x"), { recursive: true });
  });
});

describe("what a change to a case may do", () => {
  const lists: ControlledLists = { statuses: ["open", "in_progress", "closed", "waiting_for_customer"], rootCauses: ["price", "advice"], outcomes: ["resolved", "not_reached"] };
  const now = new Date("2026-11-01T12:00:00Z");
  const open: CaseState = {
    caseId: "C-1", responseId: "R1", customerId: "K1", status: "open", owner: "Anna", rootCause: null, outcome: null, lastNote: null,
    createdAt: new Date("2026-10-30T09:00:00Z"), lastRecordedAt: null, lastActor: null, potential: false,
  };
  const change = (c: Partial<Parameters<typeof checkChange>[1]>) => checkChange(open, { caseId: "C-1", actor: "Anna", ...c }, lists, now);

  it("records only what changes, and nothing when nothing does", () => {
    expect(change({ status: "in_progress", note: "gebeld" })).toEqual({ ok: true, event: expect.objectContaining({ status: "in_progress", note: "gebeld", owner: null, rootCause: null, eventAt: now }) });
    expect(change({ status: "open", owner: "Anna" })).toEqual({ ok: true, event: null });
    expect(change({ status: " ", note: "" })).toEqual({ ok: true, event: null });
  });

  it("refuses an unknown case, status, root cause or outcome, naming the allowed values", () => {
    expect(checkChange(undefined, { caseId: "C-9", actor: "x", status: "closed" }, lists, now)).toEqual({ ok: false, reason: expect.stringMatching(/^unknown case C-9; case ids come from promotor cases list/) });
    expect(change({ status: "done" })).toEqual({ ok: false, reason: "unknown status 'done'; use one of open, in_progress, closed, waiting_for_customer" });
    expect(change({ rootCause: "weather" })).toEqual({ ok: false, reason: expect.stringMatching(/unknown root cause 'weather'; use one of price, advice/) });
    expect(change({ outcome: "happy" })).toEqual({ ok: false, reason: expect.stringMatching(/unknown outcome 'happy'/) });
  });

  it("a case closes only with a root cause, and a closed case stays closed", () => {
    expect(change({ status: "closed" })).toEqual({ ok: false, reason: expect.stringMatching(/closing case C-1 needs a root cause/) });
    const closing = change({ status: "closed", rootCause: "price", outcome: "resolved" });
    expect(closing.ok).toBe(true);
    const closed = applyEvent(open, (closing as { event: NonNullable<unknown> }).event as never, now);
    expect(closed.status).toBe("closed");
    expect(checkChange(closed, { caseId: "C-1", actor: "Bob", status: "in_progress" }, lists, now)).toEqual({ ok: false, reason: expect.stringMatching(/illegal status change closed -> in_progress/) });
    // a note or a corrected root cause on a closed case is fine
    expect(checkChange(closed, { caseId: "C-1", actor: "Bob", rootCause: "advice", note: "eigenlijk advies" }, lists, now)).toEqual({ ok: true, event: expect.objectContaining({ rootCause: "advice", status: null }) });
  });

  it("refuses a change dated before the case opened or in the future", () => {
    expect(change({ status: "in_progress", eventAt: new Date("2026-10-29T00:00:00Z") })).toEqual({ ok: false, reason: expect.stringMatching(/before case C-1 was opened/) });
    expect(change({ status: "in_progress", eventAt: new Date("2026-11-02T00:00:00Z") })).toEqual({ ok: false, reason: expect.stringMatching(/dated in the future/) });
  });
});
