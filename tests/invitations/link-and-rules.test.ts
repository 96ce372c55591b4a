/** Invitations by hand: the link rule on cases counted by hand (two invitations close together,
 * a named answer, a named answer given before its invitation, the response window), bad
 * invitation exports (quarantined or reported, nothing lost), contact rules that contradict
 * themselves, and `promotor contacts eligible` through the CLI (two sheets, unknown customers
 * with their row, cells a spreadsheet would run neutralised). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import readXlsxFile from "read-excel-file/node";
import { runDbt } from "../../src/dbt/run.ts";
import { ingestDataset } from "../../src/ingest/dataset.ts";
import { parseContactRules } from "../../src/invitations/rules.ts";
import { INVITATIONS } from "../../src/invitations/spec.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { ingestInto, query, tempDir } from "../helpers/warehouse.ts";
import { cli } from "../pages/helpers.ts";

const RESPONSES = [
  "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,segment,business_unit,account_manager,recommend_score",
  // c1: invitations on 1 and 3 March, one answer on 5 March: it answers the later one.
  "r1,c1,2026-03-05T10:00:00,relationship,,email,nl,particulier,schade,anna,9",
  // c2: named answer (invitation n2 names r2) although another invitation is later.
  "r2,c2,2026-03-10T10:00:00,touchpoint,claim,email,nl,particulier,schade,anna,3",
  // c3: the answer comes 20 days after the invitation: outside the 14-day window.
  "r3,c3,2026-03-21T10:00:00,relationship,,email,nl,particulier,schade,anna,8",
  // c4: complaint answer, then an invitation 5 days later (quiet period).
  "r4,c4,2026-03-01T10:00:00,touchpoint,complaint,phone,nl,particulier,schade,anna,2",
].join("\n");

const INVITES = [
  "invitation_id,customer_id,sent_at,survey_type,touchpoint,channel,response_id",
  "a1,c1,2026-03-01T09:00:00,relationship,,email,",
  "a2,c1,2026-03-03T09:00:00,relationship,,email,",
  "n2,c2,2026-03-08T09:00:00,touchpoint,claim,email,r2",
  "n3,c2,2026-03-09T09:00:00,touchpoint,claim,sms,",
  "w3,c3,2026-03-01T09:00:00,relationship,,email,",
  "q4,c4,2026-03-06T09:00:00,relationship,,email,",
].join("\n");

describe("the link rule and the contact rules, counted by hand", () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = tempDir("promotor-invitations-hand-");
    path = join(dir, "promotor.duckdb");
    writeFileSync(join(dir, "responses.csv"), RESPONSES + "\n");
    writeFileSync(join(dir, "invitations.csv"), INVITES + "\n");
    await ingestInto(path, [join(dir, "responses.csv")]);
    const wh = await openWarehouse(path);
    try {
      const r = await ingestDataset(wh.connection, INVITATIONS, join(dir, "invitations.csv"));
      expect([r.loaded, r.quarantined]).toEqual([6, 0]);
    } finally {
      wh.close();
    }
    const built = await runDbt(["build"], { warehouse: path });
    expect(built.exitCode, built.output.slice(-3000)).toBe(0);
  }, 240_000);

  it("links as counted by hand, and marks the broken rules", async () => {
    const rows = await query(path, "SELECT invitation_id, response_id, link, broken_rule, invitation_rank, gap_bucket FROM marts.fct_invitations ORDER BY invitation_id");
    expect(rows).toEqual([
      { invitation_id: "a1", response_id: null, link: null, broken_rule: null, invitation_rank: 1, gap_bucket: "first" },
      { invitation_id: "a2", response_id: "r1", link: "rule", broken_rule: "min_days_between", invitation_rank: 2, gap_bucket: "0-13" },
      { invitation_id: "n2", response_id: "r2", link: "named", broken_rule: null, invitation_rank: 1, gap_bucket: "first" },
      { invitation_id: "n3", response_id: null, link: null, broken_rule: "min_days_between", invitation_rank: 2, gap_bucket: "0-13" },
      { invitation_id: "q4", response_id: null, link: null, broken_rule: "quiet_after_complaint", invitation_rank: 1, gap_bucket: "first" },
      { invitation_id: "w3", response_id: null, link: null, broken_rule: null, invitation_rank: 1, gap_bucket: "first" },
    ]);
  });

  it("quarantines an invitation sent after the answer it names, reports unknown customers, and generates missing ids", async () => {
    const file = join(dir, "more.csv");
    writeFileSync(file, ["customer_id,sent_at,survey_type,touchpoint,channel,response_id", "c1,2026-03-06T09:00:00,relationship,,email,r1", "zz9,2026-03-06T09:00:00,relationship,,email,", "c1,2026-03-07T09:00:00,relationship,claim,email,"].join("\n") + "\n");
    const wh = await openWarehouse(path);
    let r;
    try {
      r = await ingestDataset(wh.connection, INVITATIONS, file);
    } finally {
      wh.close();
    }
    expect([r.rowsRead, r.loaded, r.quarantined]).toEqual([3, 1, 2]);
    expect(r.notices?.join("\n")).toMatch(/3 keys generated/);
    expect(r.notices?.join("\n")).toMatch(/1 invitation\(s\) of customers in no answer and not in the customer ledger, e\.g\. zz9 \(row 2\)/);
    const reasons = await query(path, "SELECT source_line, reason FROM raw.quarantine WHERE dataset = 'invitations' ORDER BY source_line");
    expect(reasons).toEqual([
      { source_line: 2, reason: "sent_at 2026-03-06 09:00 is after its answer r1 was given (2026-03-05 10:00): the wrong response_id, or sent_at in another time zone?" },
      { source_line: 4, reason: "a relationship invitation has no touchpoint (touchpoint 'claim'): is it a touchpoint survey?" },
    ]);
    const ids = await query(path, "SELECT invitation_id FROM raw.invitations WHERE customer_id = 'zz9'");
    expect(String(ids[0]?.["invitation_id"])).toMatch(/^i-[0-9a-f]{16}-1$/);
  });

  it("contacts eligible through the CLI: two sheets, unknown customers with their row, formulas neutralised", async () => {
    const customers = join(dir, "ask.csv");
    writeFileSync(customers, "customer_id\nc1\nc3\n=HYPERLINK(\"x\")\nc4\n");
    const out = join(dir, "eligible.xlsx");
    const r = await cli(["--warehouse", path, "contacts", "eligible", "--survey", "relationship", "--on", "2026-04-03", "--customers", customers, "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    // c1: two relationship invitations in the year (the cap); c3: invited 33 days ago, may be
    // asked; c4: invited 28 days ago; the third line is no customer.
    expect(r.stdout).toMatch(/1 customers may be invited, 3 are held back/);
    const sheets = await readXlsxFile(out);
    expect(sheets.map((x) => x.sheet)).toEqual(["eligible", "held back"]);
    const eligible = sheets[0]!.data;
    expect(eligible.map((row) => row[0])).toEqual(["customer_id", "c3"]);
    const held = sheets[1]!.data;
    expect(held[0]).toEqual(["customer_id", "rule", "detail", "customers_file_line"]);
    expect(held.slice(1).map((row) => [row[0], row[1], row[3]])).toEqual([
      ["c1", "max_per_365_days", 2],
      ["c4", "min_days_between", 5],
      [`'=HYPERLINK("x")`, "unknown_customer", 4],
    ]);
    expect(held.find((row) => row[0] === "c1")?.[2]).toBe("2 invitations in the last 365 days; at most 2 (relationship)");
    expect(held.find((row) => row[0] === "c4")?.[2]).toBe("invited 27 days ago (2026-03-06, relationship); at least 30 days between invitations");
    const csv = join(dir, "eligible.csv");
    expect((await cli(["--warehouse", path, "contacts", "eligible", "--survey", "relationship", "--on", "2026-04-03", "--customers", customers, "--out", csv])).code).toBe(0);
    expect(readFileSync(join(dir, "eligible-held-back.csv"), "utf8")).toContain(`'=HYPERLINK`);
    const bad = await cli(["--warehouse", path, "contacts", "eligible", "--survey", "touchpoint", "--out", csv]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--survey touchpoint needs --touchpoint/);
    expect((await cli(["--warehouse", path, "contacts", "eligible", "--survey", "relationship", "--on", "10-03-2026", "--out", csv])).stderr).toMatch(/--on "10-03-2026" is not a date/);
  }, 60_000);

  // Last: it adds invitations the eligibility above would see.
  it("reads a Qualtrics distribution history by its preset: the response id links exactly", async () => {
    const file = join(dir, "history.csv");
    writeFileSync(file, ["Response ID,Last Name,First Name,Email,External Data Reference,Status,Sent Date", "r3,Jansen,Piet,p@x.nl,c3,Survey Finished,2026-03-20 09:30", ",Smit,Ans,a@x.nl,c1,Email Sent,2026-02-01 09:31"].join("\n") + "\n");
    const wh = await openWarehouse(path);
    try {
      const r = await ingestDataset(wh.connection, INVITATIONS, file);
      expect(r.mapping).toBe("qualtrics-distribution");
      expect([r.loaded, r.quarantined]).toEqual([2, 0]);
    } finally {
      wh.close();
    }
    const rows = await query(path, `SELECT customer_id, strftime(sent_at, '%Y-%m-%d %H:%M') AS sent, survey_type, channel, response_id FROM raw.invitations WHERE _source_file = '${file}' ORDER BY customer_id`);
    expect(rows).toEqual([
      { customer_id: "c1", sent: "2026-02-01 09:31", survey_type: "relationship", channel: "email", response_id: null },
      { customer_id: "c3", sent: "2026-03-20 09:30", survey_type: "relationship", channel: "email", response_id: "r3" },
    ]);
  });

});

describe("contact rules that contradict themselves are refused, naming the key", () => {
  it("refuses contradictions and mistakes", () => {
    expect(() => parseContactRules({ survey_types: { relationship: { max_per_365_days: 4, min_days_between: 125 } } })).toThrow(/contact_rules\.survey_types\.relationship: max_per_365_days 4 and min_days_between 125 contradict each other: 4 invitations in 365 days need gaps of less than 122 days/);
    expect(parseContactRules({ survey_types: { relationship: { max_per_365_days: 4, min_days_between: 120 } } }).survey_types.relationship).toEqual({ max_per_365_days: 4, min_days_between: 120 });
    expect(() => parseContactRules({ survey_types: { relationship: { max_per_365_days: 0 } } })).toThrow(/0 lets no customer ever be invited/);
    expect(() => parseContactRules({ touchpoints: { relationship: { min_days_between: 7 } } })).toThrow(/relationship surveys have no touchpoint/);
    expect(() => parseContactRules({ min_days_between: -1 })).toThrow(/contact_rules\.min_days_between: -1 is not a whole number of days/);
    expect(() => parseContactRules({ survey_typez: {} })).toThrow(/contact_rules\.survey_typez: is not a setting/);
    expect(() => parseContactRules({ survey_types: { weekly: {} } })).toThrow(/weekly: is not a survey type/);
  });

  it("the defaults are the documented ones, and a touchpoint's gap overrides the global one", () => {
    const d = parseContactRules(undefined);
    expect(d).toEqual({ min_days_between: 30, response_window_days: 14, survey_types: { relationship: { max_per_365_days: 2 } }, touchpoints: {}, quiet_after_touchpoints: { complaint: 14 }, hold_while_case_open: true });
    const r = parseContactRules({ touchpoints: { App: { min_days_between: 7 } } });
    expect(r.touchpoints).toEqual({ app: { min_days_between: 7 } });
    expect(r.survey_types).toEqual({ relationship: { max_per_365_days: 2 } });
  });
});
