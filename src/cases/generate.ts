/** Realistic follow-up for a warehouse's answers (`promotor generate case-events`): the case
 * events a CX team would have recorded. Most detractors of business customers are called back
 * within two days, consumers less often and later, some cases are never picked up (overdue), and
 * follow-up goes with recovery (a customer whose next answer is better was more often called).
 *
 * The cases are followed as dbt follows them (int_cases): one open case per customer, a
 * trigger opens a case when the customer's previous case closed before it, ties ordered by
 * time then the id's hash. The chain is walked here again, independently, so the generated
 * events name exactly the cases the build will have; tests compare the two. Deterministic: the
 * same warehouse and seed give the same file. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { tuneForIngest } from "../ingest/ingest.ts";
import { queryRows } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { csvField } from "../lib/spreadsheet.ts";

export const CASE_EVENT_COLUMNS = ["case_id", "event_at", "actor", "status", "owner", "root_cause", "outcome", "note"] as const;

export interface GeneratedCase {
  caseId: string;
  customerId: string;
  openedAt: Date;
  closedAt: Date | null;
  firstActionAt: Date | null;
  /** Response ids of the triggers attached to it (the first opened it). */
  responses: string[];
}

interface Trigger {
  responseId: string;
  customerId: string;
  answeredAt: Date;
  segment: string | null;
  touchpoint: string | null;
  language: string | null;
  owner: string | null;
  nextCategory: string | null;
  nextAt: Date | null;
}

export const caseIdOf = (responseId: string): string => `C-${createHash("md5").update(responseId).digest("hex").slice(0, 16).toUpperCase()}`;

/** A uniform number in [0, 1) from a text and a salt. */
function uniform(text: string, salt: string, seed: number): number {
  const h = createHash("md5").update(`${seed}:${salt}:${text}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

const HOUR = 3_600_000;
/** Event times are written to the second; the chain must use the same instants. */
const second = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);
const ROOT_CAUSE_BY_TOUCHPOINT: Record<string, string[]> = {
  complaint: ["communication", "staff", "claim_handling"],
  claim: ["claim_handling", "waiting_time", "communication"],
  call_centre: ["waiting_time", "staff", "communication"],
  app: ["digital", "digital", "waiting_time"],
  mortgage_advice: ["advice", "price", "communication"],
  onboarding: ["communication", "digital", "product"],
};
const RELATIONSHIP_CAUSES = ["price", "price", "product", "communication", "advice", "staff", "waiting_time", "other"];
const NOTES: Record<string, { called: string; closed: string; notReached: string }> = {
  nl: { called: "Klant teruggebeld, uitleg gegeven", closed: "Afgehandeld met de klant", notReached: "Drie keer gebeld, niet bereikt" },
  en: { called: "Called the customer back and explained", closed: "Settled with the customer", notReached: "Called three times, no answer" },
};

/** The events of one case, and when it closed (null: still open at the data's end). */
function planCase(t: Trigger, end: Date, seed: number): { events: string[][]; closedAt: Date | null; firstActionAt: Date | null } {
  const caseId = caseIdOf(t.responseId);
  const u = (salt: string): number => uniform(caseId, salt, seed);
  const business = t.segment === "mkb" || t.segment === "zakelijk";
  const recovered = t.nextCategory === "passive" || t.nextCategory === "promoter";
  let pFollow = business ? 0.88 : 0.62;
  if (t.nextCategory !== null) pFollow += recovered ? 0.08 : -0.15;
  const notes = NOTES[t.language === "en" ? "en" : "nl"]!;
  const actor = t.owner ?? "klantenservice";
  const at = (d: Date): string => d.toISOString().slice(0, 19).replace("T", " ");
  const events: string[][] = [];
  const push = (when: Date, fields: Partial<Record<(typeof CASE_EVENT_COLUMNS)[number], string>>): boolean => {
    if (when.getTime() > end.getTime()) return false;
    events.push(CASE_EVENT_COLUMNS.map((c) => (c === "case_id" ? caseId : c === "event_at" ? at(when) : c === "actor" ? actor : (fields[c] ?? ""))));
    return true;
  };
  if (u("follow") < pFollow) {
    // Hours to the first call: mostly within the 48-hour SLA for business customers.
    const median = business ? 14 : 36;
    const first = second(t.answeredAt.getTime() + median * Math.exp(1.1 * (u("h1") + u("h2") + u("h3") - 1.5)) * HOUR);
    if (!push(first, { status: "in_progress", note: notes.called })) return { events, closedAt: null, firstActionAt: null };
    const closed = second(first.getTime() + (2 + (business ? 30 : 90) * u("close") ** 2) * HOUR);
    const causes = t.touchpoint ? (ROOT_CAUSE_BY_TOUCHPOINT[t.touchpoint] ?? RELATIONSHIP_CAUSES) : RELATIONSHIP_CAUSES;
    const cause = causes[Math.floor(u("cause") * causes.length)]!;
    const outcome = recovered || u("outcome") < 0.5 ? (u("o2") < 0.7 ? "resolved" : "explained") : u("o3") < 0.3 ? "compensated" : "not_resolved";
    // A few recent cases are still being worked on at the data's end.
    const recent = end.getTime() - t.answeredAt.getTime() < 30 * 24 * HOUR;
    if ((recent && u("left_open") < 0.3) || !push(closed, { status: "closed", root_cause: cause, outcome, note: notes.closed })) return { events, closedAt: null, firstActionAt: first };
    return { events, closedAt: closed, firstActionAt: first };
  }
  // Not called back in time: most are closed weeks later as not reached; the rest stay open
  // (the overdue backlog, mostly of the last weeks).
  const old = end.getTime() - t.answeredAt.getTime() > 45 * 24 * HOUR;
  if (u("late") < (old ? 0.93 : 0.4)) {
    const closed = second(t.answeredAt.getTime() + (14 + 20 * u("late_days")) * 24 * HOUR);
    if (push(closed, { status: "closed", root_cause: "no_contact", outcome: "not_reached", note: notes.notReached })) return { events, closedAt: closed, firstActionAt: closed };
  }
  return { events, closedAt: null, firstActionAt: null };
}

/** The triggering answers in the warehouse (int_case_triggers), per customer in dbt's order,
 * each with the customer's next answer, streamed in chunks (any size fits in memory). */
async function* readTriggers(connection: DuckDBConnection): AsyncGenerator<Trigger> {
  const exists = await queryRows(connection, "SELECT 1 FROM duckdb_views() WHERE schema_name = 'intermediate' AND view_name = 'int_case_triggers'");
  if (exists.length === 0) throw new PromotorError("the warehouse has no follow-up triggers yet", { hint: "run promotor build first" });
  const result = await connection.stream(
    `WITH t AS (SELECT * FROM intermediate.int_case_triggers),
     answers AS (SELECT customer_id, answered_at, nps_category FROM intermediate.int_responses_enriched WHERE customer_id IS NOT NULL)
     SELECT t.response_id, t.customer_id, t.answered_at, t.segment, t.touchpoint, t.language, t.account_manager,
            a.nps_category AS next_category, a.answered_at AS next_at
     FROM t ASOF LEFT JOIN answers a ON a.customer_id = t.customer_id AND a.answered_at > t.answered_at
     ORDER BY t.customer_id, t.trigger_key`,
  );
  const text = (v: unknown): string | null => (v == null ? null : String(v));
  const time = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v).replace(" ", "T") + "Z"));
  for await (const rows of result.yieldRowObjectJs()) {
    for (const r of rows) {
      yield {
        responseId: String(r["response_id"]),
        customerId: String(r["customer_id"]),
        answeredAt: time(r["answered_at"]),
        segment: text(r["segment"]),
        touchpoint: text(r["touchpoint"]),
        language: text(r["language"]),
        owner: text(r["account_manager"]),
        nextCategory: text(r["next_category"]),
        nextAt: r["next_at"] == null ? null : time(r["next_at"]),
      };
    }
  }
}

export interface CaseEventSummary {
  /** The cases (empty with keepCases: false, for large warehouses). */
  cases: GeneratedCase[];
  opened: number;
  closed: number;
  events: number;
}

/** Writes the events (CSV, the import layout) and returns the cases the chain opens. */
export async function generateCaseEvents(connection: DuckDBConnection, out: string, options: { seed?: number; end?: Date; keepCases?: boolean } = {}): Promise<CaseEventSummary> {
  const seed = options.seed ?? 42;
  // DuckDB's memory limit and spill folder as for ingest (it would otherwise take up to 80 % of RAM).
  await tuneForIngest(connection);
  // Events end at the data's end (the build's int_data_end, fct_cases' "as of"), never in the future.
  const dataEnd = (await queryRows(connection, "SELECT data_end FROM intermediate.int_data_end"))[0]?.["data_end"];
  const end = options.end ?? new Date(Math.min(Date.now(), dataEnd instanceof Date ? dataEnd.getTime() : Date.now()));
  const stream = createWriteStream(out, { encoding: "utf8" });
  const write = async (line: string): Promise<void> => {
    if (!stream.write(line)) await once(stream, "drain");
  };
  await write(CASE_EVENT_COLUMNS.join(",") + "\r\n");
  const cases: GeneratedCase[] = [];
  let events = 0;
  let opened = 0;
  let closedCount = 0;
  let open: GeneratedCase | null = null;
  // Only the open case of the current customer is kept while walking (rows come per customer).
  for await (const t of readTriggers(connection)) {
    if (open && open.customerId !== t.customerId) open = null;
    // dbt: a trigger opens a case when its time is after the previous case's closing time.
    if (open && (open.closedAt === null || t.answeredAt.getTime() <= open.closedAt.getTime())) {
      open.responses.push(t.responseId);
      continue;
    }
    const plan = planCase(t, end, seed);
    open = { caseId: caseIdOf(t.responseId), customerId: t.customerId, openedAt: t.answeredAt, closedAt: plan.closedAt, firstActionAt: plan.firstActionAt, responses: [t.responseId] };
    if (options.keepCases !== false) cases.push(open);
    opened++;
    if (plan.closedAt) closedCount++;
    for (const e of plan.events) await write(e.map((v) => csvField(v)).join(",") + "\r\n");
    events += plan.events.length;
  }
  stream.end();
  await once(stream, "finish");
  return { cases, opened, closed: closedCount, events };
}
