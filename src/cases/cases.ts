/** Follow-up cases for people and tools: their current state (marts.fct_cases), the controlled
 * lists a change must use, the rules a change must follow, and appending changes as events to
 * raw.case_events (append-only: a case's state is derived from its events in dbt). */
import type { DuckDBConnection } from "@duckdb/node-api";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { splitCsvLine } from "../ingest/detect.ts";
import { ensureFollowUpSchema } from "../ingest/schema.ts";
import { queryRows, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { projectRoot } from "../lib/paths.ts";
import type { FollowUpSettings } from "./config.ts";

export interface CaseState {
  caseId: string;
  /** The answer that opens the case (the case id is derived from it), and its customer. */
  responseId: string;
  customerId: string;
  status: string;
  owner: string | null;
  rootCause: string | null;
  outcome: string | null;
  lastNote: string | null;
  createdAt: Date;
  /** When the last event of the case was recorded (null: none yet). */
  lastRecordedAt: Date | null;
  lastActor: string | null;
  /** Not opened yet: an answer that opens a case once the customer's open case is closed. */
  potential: boolean;
}

/** A requested change of one case (a CLI update or one workbook row). */
export interface CaseChange {
  caseId: string;
  status?: string | undefined;
  owner?: string | undefined;
  rootCause?: string | undefined;
  outcome?: string | undefined;
  note?: string | undefined;
  /** When the change was made (default: when it is recorded). */
  eventAt?: Date | undefined;
  actor: string;
}

/** What a change writes: only the fields that differ from the case's state. */
export interface CaseEvent {
  eventId: string;
  caseId: string;
  eventAt: Date;
  recordedAt: Date;
  actor: string;
  status: string | null;
  owner: string | null;
  rootCause: string | null;
  outcome: string | null;
  note: string | null;
  source: "cli" | "import" | "generated";
  importId: number | null;
  sourceFile: string | null;
  sourceRow: number | null;
  /** The answer that opens the case and its customer: dbt follows closed cases by them. */
  responseId: string;
  customerId: string;
}

export interface ControlledLists {
  statuses: readonly string[];
  rootCauses: readonly string[];
  outcomes: readonly string[];
}

/** A CSV of reference data as records (header names as keys). */
function readReference(file: string): Record<string, string>[] {
  const [header = "", ...lines] = readFileSync(file, "utf8").split(/\r?\n/);
  const names = splitCsvLine(header, ",").map((h) => h.trim());
  return lines.filter((l) => l.trim() !== "").map((l) => Object.fromEntries(splitCsvLine(l, ",").map((v, i) => [names[i] ?? String(i), v.trim()])));
}

/** Root causes (seeds/reference/root_causes.csv) and outcomes (labels.csv, kind case_outcome). */
export function controlledLists(settings: FollowUpSettings, root: string = projectRoot): ControlledLists {
  const reference = join(root, "seeds", "reference");
  return {
    statuses: settings.statuses,
    rootCauses: readReference(join(reference, "root_causes.csv")).map((r) => r["root_cause"] ?? "").filter(Boolean),
    outcomes: readReference(join(reference, "labels.csv")).filter((r) => r["kind"] === "case_outcome").map((r) => r["code"] ?? ""),
  };
}

export type CheckResult = { ok: false; reason: string } | { ok: true; event: Omit<CaseEvent, "eventId" | "recordedAt" | "source" | "importId" | "sourceFile" | "sourceRow"> | null };

const same = (a: string | null | undefined, b: string | null | undefined): boolean => (a ?? null) === (b ?? null);

/** Whether a change may be made, and the event it makes (null: it changes nothing). Pure: the
 * same rules for `cases update`, workbook imports and their replays. */
export function checkChange(state: CaseState | undefined, change: CaseChange, lists: ControlledLists, now: Date): CheckResult {
  const fail = (reason: string): CheckResult => ({ ok: false, reason });
  if (!state) return fail(`unknown case ${change.caseId}; case ids come from promotor cases list or the exported workbook`);
  const status = change.status?.trim() || undefined;
  const rootCause = change.rootCause?.trim() || undefined;
  const outcome = change.outcome?.trim() || undefined;
  const owner = change.owner?.trim() || undefined;
  const note = change.note?.trim() || undefined;
  if (status !== undefined && !lists.statuses.includes(status)) return fail(`unknown status '${status}'; use one of ${lists.statuses.join(", ")}`);
  if (rootCause !== undefined && !lists.rootCauses.includes(rootCause)) return fail(`unknown root cause '${rootCause}'; use one of ${lists.rootCauses.join(", ")} (seeds/reference/root_causes.csv)`);
  if (outcome !== undefined && !lists.outcomes.includes(outcome)) return fail(`unknown outcome '${outcome}'; use one of ${lists.outcomes.join(", ")}`);
  if (state.status === "closed" && status !== undefined && status !== "closed") {
    return fail(`illegal status change closed -> ${status}: case ${state.caseId} is closed, and a closed case stays closed (a new answer of the customer opens a new case)`);
  }
  if (status === "closed" && state.status !== "closed" && (rootCause ?? state.rootCause) === null) {
    return fail(`closing case ${state.caseId} needs a root cause; fill in one of ${lists.rootCauses.join(", ")}`);
  }
  const eventAt = change.eventAt ?? now;
  if (Number.isNaN(eventAt.getTime())) return fail("the change's date is not a date; write it as YYYY-MM-DD HH:MM or leave it empty");
  if (eventAt.getTime() < state.createdAt.getTime()) return fail(`the change is dated ${eventAt.toISOString()}, before case ${state.caseId} was opened (${state.createdAt.toISOString()})`);
  if (eventAt.getTime() > now.getTime() + 5 * 60_000) return fail(`the change is dated in the future (${eventAt.toISOString()})`);
  const event = {
    caseId: state.caseId,
    responseId: state.responseId,
    customerId: state.customerId,
    eventAt,
    actor: change.actor,
    status: status !== undefined && !same(status, state.status) ? status : null,
    owner: owner !== undefined && !same(owner, state.owner) ? owner : null,
    rootCause: rootCause !== undefined && !same(rootCause, state.rootCause) ? rootCause : null,
    outcome: outcome !== undefined && !same(outcome, state.outcome) ? outcome : null,
    note: note !== undefined && !same(note, state.lastNote) ? note : null,
  };
  const changes = event.status ?? event.owner ?? event.rootCause ?? event.outcome ?? event.note;
  return { ok: true, event: changes === null ? null : event };
}

/** The state after an event (for the next row of the same case in one file). */
export function applyEvent(state: CaseState, event: Pick<CaseEvent, "status" | "owner" | "rootCause" | "outcome" | "note" | "actor">, recordedAt: Date): CaseState {
  return {
    ...state,
    status: event.status ?? state.status,
    owner: event.owner ?? state.owner,
    rootCause: event.rootCause ?? state.rootCause,
    outcome: event.outcome ?? state.outcome,
    lastNote: event.note ?? state.lastNote,
    lastRecordedAt: recordedAt,
    lastActor: event.actor,
  };
}

const toDate = (v: unknown): Date | null => (v instanceof Date ? v : v == null ? null : new Date(String(v)));

/** Fails with the fix when the warehouse has no cases yet (no build since follow-up existed). */
export async function requireCases(connection: DuckDBConnection): Promise<void> {
  const rows = await queryRows(connection, "SELECT 1 FROM duckdb_views() WHERE schema_name = 'marts' AND view_name = 'fct_cases'");
  if (rows.length === 0) throw new PromotorError("the warehouse has no follow-up cases yet", { hint: "run promotor build first (it opens cases from the answers)" });
}

/** Every case (and every answer that may still open one) by id, with its current state; `ids`
 * limits it to those. Fails with the fix when the warehouse has no cases yet. */
export async function caseStates(connection: DuckDBConnection, ids?: readonly string[]): Promise<Map<string, CaseState>> {
  await requireCases(connection);
  const only = ids === undefined ? "" : ids.length === 0 ? "WHERE false" : `WHERE case_id IN (SELECT unnest([${ids.map(sqlString).join(", ")}]))`;
  const rows = await queryRows(
    connection,
    `WITH latest AS (SELECT case_id, max(recorded_at) AS last_recorded_at, arg_max(actor, recorded_at) AS last_actor FROM raw.case_events GROUP BY case_id),
     states AS (
       SELECT case_id, opening_response_id AS response_id, customer_id, status, owner, root_cause, outcome, last_note, created_at, false AS potential FROM marts.fct_cases
       UNION ALL
       SELECT 'C-' || upper(substr(md5(t.response_id), 1, 16)), t.response_id, t.customer_id, 'open', t.account_manager, NULL, NULL, NULL, t.answered_at, true
       FROM intermediate.int_case_triggers t ANTI JOIN marts.fct_cases c ON c.opening_response_id = t.response_id
     )
     SELECT s.*, l.last_recorded_at, l.last_actor FROM states s LEFT JOIN latest l USING (case_id) ${only}`,
  );
  const out = new Map<string, CaseState>();
  for (const r of rows) {
    out.set(String(r["case_id"]), {
      caseId: String(r["case_id"]),
      responseId: String(r["response_id"]),
      customerId: String(r["customer_id"]),
      status: String(r["status"]),
      owner: r["owner"] == null ? null : String(r["owner"]),
      rootCause: r["root_cause"] == null ? null : String(r["root_cause"]),
      outcome: r["outcome"] == null ? null : String(r["outcome"]),
      lastNote: r["last_note"] == null ? null : String(r["last_note"]),
      createdAt: toDate(r["created_at"])!,
      lastRecordedAt: toDate(r["last_recorded_at"]),
      lastActor: r["last_actor"] == null ? null : String(r["last_actor"]),
      potential: r["potential"] === true,
    });
  }
  return out;
}

export const newEventId = (): string => `e-${randomUUID()}`;

/** Appends events in one statement (DuckDB's appender), inside the caller's transaction. */
export async function appendEvents(connection: DuckDBConnection, events: readonly CaseEvent[]): Promise<void> {
  if (events.length === 0) return;
  await ensureFollowUpSchema(connection);
  const appender = await connection.createAppender("case_events", "raw");
  const { timestampValue } = await import("@duckdb/node-api");
  const ts = (d: Date) => timestampValue(BigInt(d.getTime()) * 1000n);
  const text = (v: string | null) => (v === null ? appender.appendNull() : appender.appendVarchar(v));
  for (const e of events) {
    appender.appendVarchar(e.eventId);
    appender.appendVarchar(e.caseId);
    appender.appendTimestamp(ts(e.eventAt));
    appender.appendTimestamp(ts(e.recordedAt));
    appender.appendVarchar(e.actor);
    text(e.status);
    text(e.owner);
    text(e.rootCause);
    text(e.outcome);
    text(e.note);
    appender.appendVarchar(e.source);
    if (e.importId === null) appender.appendNull();
    else appender.appendInteger(e.importId);
    text(e.sourceFile);
    if (e.sourceRow === null) appender.appendNull();
    else appender.appendBigInt(BigInt(e.sourceRow));
    appender.appendVarchar(e.responseId);
    appender.appendVarchar(e.customerId);
    appender.endRow();
  }
  appender.closeSync();
}

/** Who makes a change: --actor, else PROMOTOR_ACTOR, else the operating-system user. */
export function defaultActor(env: NodeJS.ProcessEnv = process.env): string {
  return env["PROMOTOR_ACTOR"] || env["USER"] || env["USERNAME"] || "unknown";
}
