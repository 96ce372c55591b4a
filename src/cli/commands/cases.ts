import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { appendEvents, caseStates, checkChange, controlledLists, defaultActor, newEventId, requireCases } from "../../cases/cases.ts";
import { readFollowUp } from "../../cases/config.ts";
import { exportWorkbooks, importWorkbook, parseEventTime, replayCaseQuarantine } from "../../cases/workbook.ts";
import { readDashboardSettings } from "../../pages/settings.ts";
import { openWarehouse, queryRows, sqlString } from "../../lib/duckdb.ts";
import { PromotorError } from "../../lib/errors.ts";
import { formatInteger, table } from "../../lib/format.ts";
import type { Command } from "../command.ts";

const USAGE = `cases list [--owner NAME] [--status S] [--overdue] [--limit 50]
  cases show <case_id>
  cases update <case_id> [--status S] [--owner NAME] [--root-cause C] [--outcome O] [--note TEXT] [--at 'YYYY-MM-DD HH:MM'] [--actor NAME]
  cases export --out DIR [--owner NAME] [--lang nl|en]
  cases import <file.xlsx|file.csv|dir>... [--actor NAME]
  cases quarantine | cases replay [--file F]`;

const ACTIONS = ["list", "show", "update", "export", "import", "quarantine", "replay"];

const when = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 16).replace("T", " ") : v == null ? "–" : String(v));
const hours = (v: unknown): string => (typeof v === "number" ? (v >= 48 ? `${(v / 24).toFixed(1)} d` : `${v.toFixed(1)} h`) : "–");

function importFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new PromotorError("file not found", { file: p, hint: "check the path; pass the filled-in .xlsx or .csv" });
    if (statSync(p).isDirectory()) files.push(...readdirSync(p).filter((f) => /\.(xlsx|csv)$/i.test(f)).sort().map((f) => join(p, f)));
    else files.push(p);
  }
  return files;
}

export const casesCommand: Command = {
  name: "cases",
  summary: "follow-up cases: list, show and update them, export a workbook per owner and import it back",
  usage: USAGE,
  async run(args, ctx) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        owner: { type: "string" },
        status: { type: "string" },
        overdue: { type: "boolean" },
        limit: { type: "string" },
        "root-cause": { type: "string" },
        outcome: { type: "string" },
        note: { type: "string" },
        at: { type: "string" },
        actor: { type: "string" },
        out: { type: "string" },
        lang: { type: "string" },
        file: { type: "string" },
      },
    });
    const [action, ...rest] = positionals;
    if (!action || !ACTIONS.includes(action)) {
      throw new PromotorError(action ? `unknown cases action "${action}"` : "no cases action given", { hint: `promotor ${USAGE}`, exitCode: 2 });
    }
    if (!existsSync(ctx.warehouse)) throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "run promotor ingest <exports> and promotor build first", exitCode: 2 });
    const settings = readFollowUp(ctx.root);
    const lists = controlledLists(settings, ctx.root);
    const readOnly = action === "list" || action === "show" || action === "export" || action === "quarantine";
    const warehouse = await openWarehouse(ctx.warehouse, { readOnly });
    try {
      const c = warehouse.connection;
      if (action === "list") {
        await requireCases(c);
        const limit = values.limit === undefined ? 50 : Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new PromotorError(`--limit "${values.limit}" is not a whole number above 0`, { hint: "e.g. --limit 100", exitCode: 2 });
        const where = ["true"];
        if (values.owner) where.push(`owner = ${sqlString(values.owner)}`);
        if (values.status) where.push(`status = ${sqlString(values.status)}`);
        else where.push("is_open");
        if (values.overdue) where.push("is_overdue");
        const filter = where.join(" AND ");
        const rows = await queryRows(c, `SELECT c.case_id, c.owner, c.status, c.priority, c.created_at, c.due_at, c.is_overdue, c.customer_id, c.recommend_score, r.recommend_reason FROM (SELECT * FROM marts.fct_cases WHERE ${filter} ORDER BY due_at, case_id LIMIT ${limit}) c LEFT JOIN marts.fct_nps_responses r ON r.response_id = c.opening_response_id ORDER BY c.due_at, c.case_id`);
        const total = Number((await queryRows(c, `SELECT count(*) AS n FROM marts.fct_cases WHERE ${filter}`))[0]?.["n"] ?? 0);
        if (rows.length === 0) {
          ctx.stdout.write("no cases match\n");
          return 0;
        }
        ctx.stdout.write(
          table(
            ["case", "owner", "status", "priority", "opened (UTC)", "due (UTC)", "overdue", "customer", "score", "why"],
            rows.map((r) => [r["case_id"] as string, r["owner"] as string, r["status"] as string, r["priority"] as string, when(r["created_at"]), when(r["due_at"]), r["is_overdue"] ? "yes" : "", r["customer_id"] as string, Number(r["recommend_score"]), String(r["recommend_reason"] ?? "").slice(0, 48)]),
          ) + "\n",
        );
        if (total > rows.length) ctx.stdout.write(`(${formatInteger(rows.length)} of ${formatInteger(total)} cases; --limit N for more)\n`);
        return 0;
      }
      if (action === "show") {
        const id = rest[0];
        if (!id) throw new PromotorError("no case given", { hint: "promotor cases show C-0123456789ABCDEF (ids: promotor cases list)", exitCode: 2 });
        await requireCases(c);
        const [r] = await queryRows(c, `SELECT c.*, r.recommend_reason FROM marts.fct_cases c LEFT JOIN marts.fct_nps_responses r ON r.response_id = c.opening_response_id WHERE c.case_id = ${sqlString(id)}`);
        if (!r) throw new PromotorError(`unknown case ${id}`, { hint: "ids come from promotor cases list", exitCode: 2 });
        const [next] = await queryRows(c, `SELECT next_response_id, next_answered_at, next_recommend_score, next_nps_category FROM marts.fct_case_recovery WHERE case_id = ${sqlString(id)}`);
        const fields: [string, string][] = [
          ["case", String(r["case_id"])],
          ["customer", String(r["customer_id"])],
          ["rule / priority", `${String(r["case_rule"])} / ${String(r["priority"])}`],
          ["answers", `${String(r["triggering_answers"])} (opened by response ${String(r["opening_response_id"])})`],
          ["score, why", `${String(r["recommend_score"])}: ${String(r["recommend_reason"] ?? "–")}`],
          ["touchpoint / segment", `${String(r["touchpoint"] ?? "–")} / ${String(r["segment"] ?? "–")}`],
          ["owner", `${String(r["owner"])} (${String(r["owner_kind"])})`],
          ["status", String(r["status"]) + (r["is_overdue"] ? " (overdue)" : "")],
          ["opened / due (UTC)", `${when(r["created_at"])} / ${when(r["due_at"])}`],
          ["first action / closed", `${when(r["first_action_at"])} (${hours(r["hours_to_first_action"])}) / ${when(r["closed_at"])} (${hours(r["hours_to_close"])})`],
          ["root cause / outcome", `${String(r["root_cause"] ?? "–")} / ${String(r["outcome"] ?? "–")}`],
          ["next answer", next?.["next_response_id"] ? `${when(next["next_answered_at"])}: ${String(next["next_recommend_score"])} (${String(next["next_nps_category"])})` : "–"],
        ];
        ctx.stdout.write(table(["", ""], fields, { align: ["left", "left"] }).split("\n").slice(2).join("\n") + "\n");
        const events = await queryRows(c, `SELECT event_at, recorded_at, actor, status, owner, root_cause, outcome, note, source FROM raw.case_events WHERE case_id = ${sqlString(id)} ORDER BY event_at, recorded_at, event_id`);
        ctx.stdout.write(`\nevents (${events.length}):\n`);
        if (events.length > 0) {
          ctx.stdout.write(
            table(
              ["at (UTC)", "by", "status", "owner", "root cause", "outcome", "note", "via"],
              events.map((e) => [when(e["event_at"]), e["actor"] as string, e["status"] as string, e["owner"] as string, e["root_cause"] as string, e["outcome"] as string, e["note"] as string, e["source"] as string]),
            ) + "\n",
          );
        }
        if (Number(r["concurrent_edits"]) > 0) ctx.stdout.write(`${String(r["concurrent_edits"])} change(s) were made concurrently; the one made latest counts\n`);
        return 0;
      }
      if (action === "update") {
        const id = rest[0];
        if (!id) throw new PromotorError("no case given", { hint: "promotor cases update C-0123456789ABCDEF --status in_progress --note 'called, will call back'", exitCode: 2 });
        const eventAt = values.at === undefined ? undefined : parseEventTime(values.at);
        if (eventAt === null) throw new PromotorError(`--at "${values.at}" is not a date and time`, { hint: "write --at '2026-11-02 14:30' (UTC)", exitCode: 2 });
        const now = new Date();
        const state = (await caseStates(c, [id])).get(id);
        const checked = checkChange(
          state,
          { caseId: id, status: values.status, owner: values.owner, rootCause: values["root-cause"], outcome: values.outcome, note: values.note, eventAt, actor: values.actor ?? defaultActor() },
          lists,
          now,
        );
        if (!checked.ok) throw new PromotorError(checked.reason, { hint: "see promotor cases show " + id, exitCode: 2 });
        if (checked.event === null) {
          ctx.stdout.write(`case ${id}: nothing to change (it already is so)\n`);
          return 0;
        }
        await appendEvents(c, [{ ...checked.event, eventId: newEventId(), recordedAt: now, source: "cli", importId: null, sourceFile: null, sourceRow: null }]);
        const changed = Object.entries({ status: checked.event.status, owner: checked.event.owner, root_cause: checked.event.rootCause, outcome: checked.event.outcome, note: checked.event.note }).filter(([, v]) => v !== null);
        ctx.stdout.write(`case ${id}: ${changed.map(([k, v]) => `${k} = ${String(v)}`).join(", ")} (recorded as an event by ${checked.event.actor})\n`);
        if (state?.potential || checked.event.status === "closed") ctx.stdout.write("run promotor build so that the customer's next answers open or join the right case\n");
        return 0;
      }
      if (action === "export") {
        if (!values.out) throw new PromotorError("no output folder given", { hint: "promotor cases export --out exports/cases", exitCode: 2 });
        const language = (values.lang ?? readDashboardSettings(ctx.root).language ?? "nl") as string;
        if (language !== "nl" && language !== "en") throw new PromotorError(`--lang "${language}" is not nl or en`, { exitCode: 2 });
        const written = await exportWorkbooks(c, resolve(values.out), { ...(values.owner ? { owner: values.owner } : {}), language, lists });
        if (written.length === 0) {
          ctx.stdout.write("no open cases\n");
          return 0;
        }
        ctx.stdout.write(table(["owner", "open cases", "workbook", "csv"], written.map((w) => [w.owner, w.cases, w.xlsx, w.csv])) + "\n");
        ctx.stdout.write("owners fill in status, root cause, outcome and note; read them back with promotor cases import <file>\n");
        return 0;
      }
      if (action === "import") {
        if (rest.length === 0) throw new PromotorError("no file given", { hint: "promotor cases import exports/cases/anna-de-vries.xlsx", exitCode: 2 });
        const results = [];
        for (const file of importFiles(rest)) results.push(await importWorkbook(c, file, lists, values.actor ? { actor: values.actor } : {}));
        ctx.stdout.write(
          table(
            ["file", "rows", "changes recorded", "unchanged", "quarantined", "note"],
            results.map((r) => [r.file, r.rowsRead, r.loaded, r.unchanged, r.quarantined, r.alreadyImported ? `imported before (#${r.alreadyImported.importId}); nothing changed` : ""]),
          ) + "\n",
        );
        const reasons = results.flatMap((r) => r.reasons.map((x) => [r.file, x.rows, x.reason] as [string, number, string]));
        if (reasons.length > 0) ctx.stdout.write("\nquarantined (promotor cases quarantine shows each row; promotor cases replay after a fix):\n" + table(["file", "rows", "reason"], reasons) + "\n");
        const concurrent = results.flatMap((r) => r.concurrent.map((x) => [r.file, x.row, x.caseId, x.otherActor ?? "", when(x.otherAt)] as [string, number, string, string, string]));
        if (concurrent.length > 0) {
          ctx.stdout.write("\nchanged by someone else after the workbook was exported (both changes kept; the later one counts):\n" + table(["file", "row", "case", "other change by", "recorded (UTC)"], concurrent) + "\n");
        }
        if (results.some((r) => r.loaded > 0)) ctx.stdout.write("run promotor build so that closed cases let the customers' next answers open new ones\n");
        return 0;
      }
      if (action === "quarantine") {
        const rows = await queryRows(c, "SELECT source_file, source_row, case_id, reason FROM raw.case_quarantine ORDER BY source_file, source_row").catch(() => []);
        if (rows.length === 0) {
          ctx.stdout.write("no case rows in quarantine\n");
          return 0;
        }
        ctx.stdout.write(table(["file", "row", "case", "reason"], rows.map((r) => [r["source_file"] as string, Number(r["source_row"]), (r["case_id"] as string) ?? "", r["reason"] as string])) + "\n");
        return 0;
      }
      const results = await replayCaseQuarantine(c, lists, { ...(values.file ? { file: values.file } : {}), ...(values.actor ? { actor: values.actor } : {}) });
      if (results.length === 0) {
        ctx.stdout.write("no case rows in quarantine\n");
        return 0;
      }
      ctx.stdout.write(table(["file", "replayed", "changes recorded", "unchanged", "still quarantined", "recorded as"], results.map((r) => [r.file, r.replayed, r.loaded, r.unchanged, r.stillQuarantined, r.replayImportId === null ? "nothing changed" : `import #${r.replayImportId}`])) + "\n");
      return 0;
    } finally {
      warehouse.close();
    }
  },
};
