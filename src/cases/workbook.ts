/** Owners work where they work: an Excel workbook (and a CSV) per owner with their open cases,
 * filled in and read back. Reading back follows the rules of survey exports: every row is
 * checked (src/cases/cases.ts checkChange), a row that cannot be taken is kept in
 * raw.case_quarantine with file, row and reason and can be replayed, importing the same file
 * twice changes nothing, and rows_read = loaded + quarantined + unchanged per file
 * (raw.case_imports; dbt test assert_case_imports_reconcile). */
import type { DuckDBConnection } from "@duckdb/node-api";
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import writeXlsxFile from "write-excel-file/node";
import { detectDialect } from "../ingest/detect.ts";
import { sha256File } from "../ingest/ingest.ts";
import { ensureFollowUpSchema } from "../ingest/schema.ts";
import { queryRows, SQL_UTC_NOW, sqlString } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { spreadsheetSafe, toCsv } from "../lib/spreadsheet.ts";
import { appendEvents, applyEvent, caseStates, checkChange, requireCases, type CaseChange, type CaseEvent, type CaseState, type ControlledLists } from "./cases.ts";

export type WorkbookLanguage = "nl" | "en";

/** The workbook's columns: code (also accepted as a header on import), the header per language,
 * and whether owners fill it in. */
export const WORKBOOK_COLUMNS = [
  { key: "case_id", nl: "Case", en: "Case", editable: false },
  { key: "priority", nl: "Prioriteit", en: "Priority", editable: false },
  { key: "due_at", nl: "Uiterlijk", en: "Due", editable: false },
  { key: "created_at", nl: "Geopend", en: "Opened", editable: false },
  { key: "customer_id", nl: "Klant", en: "Customer", editable: false },
  { key: "segment", nl: "Segment", en: "Segment", editable: false },
  { key: "touchpoint", nl: "Contactmoment", en: "Touchpoint", editable: false },
  { key: "recommend_score", nl: "Score", en: "Score", editable: false },
  { key: "recommend_reason", nl: "Toelichting klant", en: "Customer's why", editable: false },
  { key: "status", nl: "Status", en: "Status", editable: true },
  { key: "root_cause", nl: "Oorzaak", en: "Root cause", editable: true },
  { key: "outcome", nl: "Uitkomst", en: "Outcome", editable: true },
  { key: "note", nl: "Notitie", en: "Note", editable: true },
  { key: "owner", nl: "Eigenaar", en: "Owner", editable: true },
  { key: "exported_at", nl: "Geëxporteerd", en: "Exported", editable: false },
] as const;

/** Columns an import reads besides the workbook's: when the change was made and by whom. */
const EXTRA_IMPORT_COLUMNS: Record<string, string[]> = {
  event_at: ["event_at", "datum wijziging", "changed at"],
  actor: ["actor", "door", "by"],
};

const normalize = (h: string): string => h.trim().toLowerCase().replace(/\s+/g, " ");

/** Header text -> canonical key (code, Dutch or English header, case and spaces ignored). */
export function headerKey(header: string): string | undefined {
  const h = normalize(header);
  for (const c of WORKBOOK_COLUMNS) if (h === c.key || h === normalize(c.nl) || h === normalize(c.en)) return c.key;
  for (const [key, names] of Object.entries(EXTRA_IMPORT_COLUMNS)) if (names.includes(h)) return key;
  return undefined;
}

export interface ExportedWorkbook {
  owner: string;
  cases: number;
  xlsx: string;
  csv: string;
}

const slug = (owner: string): string =>
  owner
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "") || "owner";

/** Writes <dir>/<owner>.xlsx and .csv with each owner's open cases (most urgent first). */
export async function exportWorkbooks(
  connection: DuckDBConnection,
  dir: string,
  options: { owner?: string; language: WorkbookLanguage; lists: ControlledLists; now?: Date },
): Promise<ExportedWorkbook[]> {
  const now = options.now ?? new Date();
  const where = options.owner ? `AND c.owner = ${sqlString(options.owner)}` : "";
  await requireCases(connection);
  const rows = await queryRows(
    connection,
    `SELECT c.case_id, c.priority, c.due_at, c.created_at, c.customer_id, c.segment, c.touchpoint, c.recommend_score, r.recommend_reason,
            c.status, c.root_cause, c.outcome, c.last_note AS note, c.owner
     FROM marts.fct_cases c LEFT JOIN marts.fct_nps_responses r ON r.response_id = c.opening_response_id
     WHERE c.is_open ${where}
     ORDER BY c.owner, c.due_at, c.case_id`,
  );
  if (options.owner && rows.length === 0) {
    const owners = await queryRows(connection, "SELECT DISTINCT owner FROM marts.fct_cases WHERE is_open ORDER BY 1 LIMIT 30");
    throw new PromotorError(`no open cases for owner "${options.owner}"`, { hint: `owners with open cases: ${owners.map((o) => String(o["owner"])).join(", ")}` });
  }
  mkdirSync(dir, { recursive: true });
  const byOwner = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const owner = String(r["owner"]);
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), r]);
  }
  const lang = options.language;
  const header = WORKBOOK_COLUMNS.map((c) => c[lang]);
  const written: ExportedWorkbook[] = [];
  const used = new Set<string>();
  for (const [owner, cases] of byOwner) {
    let name = slug(owner);
    while (used.has(name)) name += "-2";
    used.add(name);
    const values = cases.map((r) => WORKBOOK_COLUMNS.map((c) => (c.key === "exported_at" ? now : (r[c.key] ?? null))));
    const xlsx = join(dir, `${name}.xlsx`);
    const csv = join(dir, `${name}.csv`);
    const cell = (v: unknown) =>
      v === null || v === undefined ? null : v instanceof Date ? { value: v, type: Date, format: "yyyy-mm-dd hh:mm" } : typeof v === "number" ? { value: v, type: Number } : { value: spreadsheetSafe(String(v)), type: String };
    const listRows = [
      [lang === "nl" ? "Status" : "Status", lang === "nl" ? "Oorzaak" : "Root cause", lang === "nl" ? "Uitkomst" : "Outcome"].map((v) => ({ value: v, fontWeight: "bold" as const })),
      ...Array.from({ length: Math.max(options.lists.statuses.length, options.lists.rootCauses.length, options.lists.outcomes.length) }, (_, i) =>
        [options.lists.statuses[i], options.lists.rootCauses[i], options.lists.outcomes[i]].map((v) => (v === undefined ? null : { value: v, type: String })),
      ),
    ];
    await writeXlsxFile(
      [
        {
          sheet: lang === "nl" ? "Cases" : "Cases",
          data: [header.map((h) => ({ value: h, fontWeight: "bold" as const })), ...values.map((row) => row.map(cell))],
          stickyRowsCount: 1,
          columns: WORKBOOK_COLUMNS.map((c) => ({ width: c.key === "recommend_reason" || c.key === "note" ? 50 : c.key === "case_id" ? 22 : 16 })),
        },
        { sheet: lang === "nl" ? "Keuzelijsten" : "Lists", data: listRows, columns: [{ width: 20 }, { width: 20 }, { width: 20 }] },
      ],
    ).toFile(xlsx);
    writeFileSync(csv, toCsv(header, values.map((row) => row.map((v) => (v instanceof Date ? v.toISOString().slice(0, 16).replace("T", " ") : v)))));
    written.push({ owner, cases: cases.length, xlsx, csv });
  }
  return written;
}

/** One row of an import as text by canonical key, with its row number (sheet row / CSV record + 1). */
interface ImportRow {
  row: number;
  values: Record<string, string | null>;
}

/** Reads a workbook (first sheet) or CSV as rows of text by canonical column. */
async function readImportRows(connection: DuckDBConnection, file: string): Promise<{ rows: ImportRow[]; format: string }> {
  const dialect = detectDialect(file);
  if (dialect.format === "parquet") throw new PromotorError("a follow-up import is an .xlsx workbook or a CSV", { file, hint: "export the cases again with promotor cases export, fill them in and import that file" });
  let path = file;
  let cleanup = (): void => undefined;
  let delimiter = dialect.delimiter;
  let format = dialect.label;
  if (dialect.format === "xlsx") {
    const sheet = await (await import("../ingest/xlsx.ts")).xlsxToCsv(file, undefined);
    path = sheet.csvPath;
    cleanup = sheet.cleanup;
    delimiter = ",";
    format = `xlsx (sheet "${sheet.sheet}")`;
  }
  try {
    let raw: Record<string, unknown>[];
    try {
      raw = await queryRows(connection, `SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ${sqlString(delimiter)}, quote = '"', escape = '"', null_padding = true)`);
    } catch (error) {
      throw new PromotorError(`cannot read the file: ${(error as Error).message.split("\n")[0]}`, { file, hint: "save it as .xlsx or as CSV UTF-8 with a header row, then import it again" });
    }
    const columns = raw.length > 0 ? Object.keys(raw[0]!) : (await queryRows(connection, `DESCRIBE SELECT * FROM read_csv(${sqlString(path)}, header = true, all_varchar = true, delim = ${sqlString(delimiter)})`)).map((r) => String(r["column_name"]));
    const keys = new Map(columns.map((c) => [c, headerKey(c)] as const));
    if (![...keys.values()].includes("case_id")) {
      throw new PromotorError(`no case column: the header has ${columns.slice(0, 20).map((c) => `"${c}"`).join(", ")}`, {
        file,
        line: 1,
        hint: `the first row must name the columns, with a "${WORKBOOK_COLUMNS[0].nl}" / "case_id" column; start from the workbook promotor cases export writes`,
      });
    }
    const rows = raw.map((r, i) => {
      const values: Record<string, string | null> = {};
      for (const [column, key] of keys) {
        if (!key) continue;
        const v = r[column];
        // A value a spreadsheet was kept from running as a formula comes back with its quote.
        const text = v == null ? null : String(v).trim().replace(/^'(?=[=+\-@\t\r])/, "");
        values[key] = text === "" ? null : text;
      }
      return { row: i + 2, values };
    });
    return { rows, format };
  } finally {
    cleanup();
  }
}

/** "2026-10-31 14:05", "2026-10-31T14:05:00", "2026-10-31": UTC. */
export function parseEventTime(text: string | null): Date | undefined | null {
  if (text === null) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const iso = `${m[1]}T${m[2] ?? "00:00"}${m[2] && m[2].length === 5 ? ":00" : ""}${m[3] ?? "Z"}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface ImportResult {
  file: string;
  format: string;
  importId: number | null;
  rowsRead: number;
  loaded: number;
  quarantined: number;
  unchanged: number;
  alreadyImported: { importId: number; importedAt: string } | null;
  reasons: { reason: string; rows: number }[];
  /** Changes to a case that someone else changed after the workbook was exported: both are kept
   * as events, and the later change (by event time) is the case's state. */
  concurrent: { caseId: string; row: number; otherActor: string | null; otherAt: Date }[];
}

/** Checks rows in order against the cases' states (each accepted row moves its case on). */
function checkRows(
  rows: readonly ImportRow[],
  states: Map<string, CaseState>,
  lists: ControlledLists,
  options: { actor?: string | undefined; now: Date },
): { accepted: { row: ImportRow; event: NonNullable<Extract<ReturnType<typeof checkChange>, { ok: true }>["event"]> }[]; rejected: { row: ImportRow; reason: string }[]; unchanged: ImportRow[]; concurrent: ImportResult["concurrent"] } {
  const accepted: ReturnType<typeof checkRows>["accepted"] = [];
  const rejected: { row: ImportRow; reason: string }[] = [];
  const unchanged: ImportRow[] = [];
  const concurrent: ImportResult["concurrent"] = [];
  for (const row of rows) {
    const v = row.values;
    const caseId = v["case_id"] ?? "";
    if (!caseId) {
      rejected.push({ row, reason: "missing case id; every row needs the case it changes" });
      continue;
    }
    const eventAt = parseEventTime(v["event_at"] ?? null);
    if (eventAt === null) {
      rejected.push({ row, reason: `'${v["event_at"]}' is not a date and time; write YYYY-MM-DD HH:MM (UTC) or leave it empty` });
      continue;
    }
    const state = states.get(caseId);
    const change: CaseChange = {
      caseId,
      status: v["status"] ?? undefined,
      owner: v["owner"] ?? undefined,
      rootCause: v["root_cause"] ?? undefined,
      outcome: v["outcome"] ?? undefined,
      note: v["note"] ?? undefined,
      eventAt,
      actor: v["actor"] ?? options.actor ?? state?.owner ?? "unknown",
    };
    const checked = checkChange(state, change, lists, options.now);
    if (!checked.ok) rejected.push({ row, reason: checked.reason });
    else if (checked.event === null) unchanged.push(row);
    else {
      const exportedAt = parseEventTime(v["exported_at"] ?? null);
      if (exportedAt && state?.lastRecordedAt && state.lastRecordedAt.getTime() > exportedAt.getTime() && state.lastActor !== change.actor) {
        concurrent.push({ caseId, row: row.row, otherActor: state.lastActor, otherAt: state.lastRecordedAt });
      }
      accepted.push({ row, event: checked.event });
      states.set(caseId, applyEvent(state!, checked.event, options.now));
    }
  }
  return { accepted, rejected, unchanged, concurrent };
}

const reasonKind = (reason: string): string => reason.replace(/'[^']*'/g, "…").replace(/C-[0-9A-F]{16}/g, "…").replace(/\(\d{4}-[^)]*\)/g, "").replace(/dated \S+/, "dated …");

function summarize(rejected: readonly { reason: string }[]): { reason: string; rows: number }[] {
  const counts = new Map<string, number>();
  for (const r of rejected) counts.set(reasonKind(r.reason), (counts.get(reasonKind(r.reason)) ?? 0) + 1);
  return [...counts].map(([reason, rows]) => ({ reason, rows })).sort((a, b) => b.rows - a.rows || a.reason.localeCompare(b.reason)).slice(0, 8);
}

async function nextImportId(connection: DuckDBConnection): Promise<number> {
  return Number((await queryRows(connection, "SELECT coalesce(max(import_id), 0) + 1 AS n FROM raw.case_imports"))[0]?.["n"] ?? 1);
}

async function quarantineRows(connection: DuckDBConnection, importId: number, file: string, rejected: readonly { row: ImportRow; reason: string }[]): Promise<void> {
  if (rejected.length === 0) return;
  const values = rejected.map((r) => `(${importId}, ${sqlString(file)}, ${r.row.row}, ${r.row.values["case_id"] ? sqlString(r.row.values["case_id"]) : "NULL"}, ${sqlString(r.reason)}, ${sqlString(JSON.stringify(r.row.values))}::JSON, ${SQL_UTC_NOW})`);
  for (let i = 0; i < values.length; i += 1000) await connection.run(`INSERT INTO raw.case_quarantine VALUES ${values.slice(i, i + 1000).join(",\n")}`);
}

const eventsOf = (accepted: ReturnType<typeof checkRows>["accepted"], importId: number, file: string, recordedAt: Date, source: CaseEvent["source"]): CaseEvent[] =>
  accepted.map(({ row, event }) => ({ ...event, eventId: `i${importId}-r${row.row}`, recordedAt, source, importId, sourceFile: file, sourceRow: row.row }));

/** Imports one filled-in workbook or CSV of case changes, in one transaction. */
export async function importWorkbook(connection: DuckDBConnection, file: string, lists: ControlledLists, options: { actor?: string; now?: Date; source?: CaseEvent["source"] } = {}): Promise<ImportResult> {
  const now = options.now ?? new Date();
  await ensureFollowUpSchema(connection);
  const sha = await sha256File(file);
  const seen = await queryRows(connection, `SELECT import_id, CAST(imported_at AS VARCHAR) AS at FROM raw.case_imports WHERE file_sha256 = ${sqlString(sha)} AND replay_of IS NULL ORDER BY import_id LIMIT 1`);
  const base = { file, importId: null, rowsRead: 0, loaded: 0, quarantined: 0, unchanged: 0, reasons: [], concurrent: [] };
  if (seen[0]) return { ...base, format: "", alreadyImported: { importId: Number(seen[0]["import_id"]), importedAt: String(seen[0]["at"]) } };
  const { rows, format } = await readImportRows(connection, file);
  const ids = [...new Set(rows.map((r) => r.values["case_id"]).filter((v): v is string => !!v))];
  const states = await caseStates(connection, ids);
  const { accepted, rejected, unchanged, concurrent } = checkRows(rows, states, lists, { actor: options.actor, now });
  await connection.run("BEGIN TRANSACTION");
  try {
    const importId = await nextImportId(connection);
    await appendEvents(connection, eventsOf(accepted, importId, file, now, options.source ?? "import"));
    await quarantineRows(connection, importId, file, rejected);
    await connection.run(`INSERT INTO raw.case_imports (import_id, source_file, file_sha256, file_format, rows_read, rows_loaded, rows_quarantined, rows_duplicate, imported_at)
      VALUES (${importId}, ${sqlString(file)}, ${sqlString(sha)}, ${sqlString(format)}, ${rows.length}, ${accepted.length}, ${rejected.length}, ${unchanged.length}, ${SQL_UTC_NOW})`);
    await connection.run("COMMIT");
    return { file, format, importId, rowsRead: rows.length, loaded: accepted.length, quarantined: rejected.length, unchanged: unchanged.length, alreadyImported: null, reasons: summarize(rejected), concurrent };
  } catch (error) {
    await connection.run("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

export interface ReplayResult {
  file: string;
  replayed: number;
  loaded: number;
  unchanged: number;
  stillQuarantined: number;
  replayImportId: number | null;
}

/** Re-checks quarantined workbook rows (after a fix of the reference lists, the configuration,
 * or a build that opened the case) against the cases' current states; rows that now pass are
 * written as events, the others stay with their current reason. Per file, as one new import. */
export async function replayCaseQuarantine(connection: DuckDBConnection, lists: ControlledLists, options: { file?: string; actor?: string; now?: Date } = {}): Promise<ReplayResult[]> {
  const now = options.now ?? new Date();
  await ensureFollowUpSchema(connection);
  const filter = options.file ? `WHERE source_file LIKE ${sqlString(`%${options.file}%`)}` : "";
  const quarantined = await queryRows(connection, `SELECT q.import_id, q.source_file, q.source_row, CAST(q.raw_values AS VARCHAR) AS raw, coalesce(i.replay_of, i.import_id) AS file_import
    FROM raw.case_quarantine q JOIN raw.case_imports i USING (import_id) ${filter} ORDER BY file_import, q.source_row`);
  const byFile = new Map<number, Record<string, unknown>[]>();
  for (const q of quarantined) byFile.set(Number(q["file_import"]), [...(byFile.get(Number(q["file_import"])) ?? []), q]);
  const results: ReplayResult[] = [];
  for (const [fileImport, items] of byFile) {
    const file = String(items[0]!["source_file"]);
    const rows: ImportRow[] = items.map((q) => ({ row: Number(q["source_row"]), values: JSON.parse(String(q["raw"])) as Record<string, string | null> }));
    const ids = [...new Set(rows.map((r) => r.values["case_id"]).filter((v): v is string => !!v))];
    const states = await caseStates(connection, ids);
    const { accepted, rejected, unchanged } = checkRows(rows, states, lists, { actor: options.actor, now });
    if (accepted.length === 0 && unchanged.length === 0) {
      // Nothing passes yet: the rows stay as they are (their reasons may be refreshed later).
      results.push({ file, replayed: rows.length, loaded: 0, unchanged: 0, stillQuarantined: rejected.length, replayImportId: null });
      continue;
    }
    await connection.run("BEGIN TRANSACTION");
    try {
      const importId = await nextImportId(connection);
      await appendEvents(connection, eventsOf(accepted, importId, file, now, "import"));
      // The rows move from their imports to this replay: counted once, as for survey exports.
      await connection.run(`CREATE OR REPLACE TEMP TABLE moved AS SELECT import_id, count(*) AS n FROM raw.case_quarantine q
        WHERE q.import_id IN (SELECT import_id FROM raw.case_imports WHERE coalesce(replay_of, import_id) = ${fileImport}) GROUP BY import_id`);
      await connection.run(`UPDATE raw.case_imports i SET rows_quarantined = i.rows_quarantined - m.n, rows_replayed = i.rows_replayed + m.n FROM moved m WHERE i.import_id = m.import_id`);
      await connection.run(`DELETE FROM raw.case_quarantine WHERE import_id IN (SELECT import_id FROM moved)`);
      await quarantineRows(connection, importId, file, rejected);
      await connection.run(`INSERT INTO raw.case_imports (import_id, source_file, file_sha256, file_format, rows_read, rows_loaded, rows_quarantined, rows_duplicate, replay_of, imported_at)
        SELECT ${importId}, source_file, file_sha256, 'replay', ${rows.length}, ${accepted.length}, ${rejected.length}, ${unchanged.length}, ${fileImport}, ${SQL_UTC_NOW} FROM raw.case_imports WHERE import_id = ${fileImport}`);
      await connection.run("COMMIT");
      results.push({ file, replayed: rows.length, loaded: accepted.length, unchanged: unchanged.length, stillQuarantined: rejected.length, replayImportId: importId });
    } catch (error) {
      await connection.run("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }
  return results;
}

export const displayName = (file: string): string => basename(file);
