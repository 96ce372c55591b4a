/** Owners' workbooks through the real CLI and warehouse: export per owner (xlsx and CSV), filled
 * in and read back; every bad row kept with file, row and reason and replayable; the same file
 * twice changes nothing; concurrent edits reported and both kept; formula-like answers never
 * reach a spreadsheet as formulas; and a rule of promotor.yaml (a keyword) reaching dbt. */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import readXlsxFile from "read-excel-file/node";
import writeXlsxFile from "write-excel-file/node";
import { beforeAll, describe, expect, it } from "vitest";
import { controlledLists } from "../../src/cases/cases.ts";
import { caseRulesEnv, parseFollowUp } from "../../src/cases/config.ts";
import { replayCaseQuarantine } from "../../src/cases/workbook.ts";
import { main } from "../../src/cli/main.ts";
import { runDbt } from "../../src/dbt/run.ts";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { spreadsheetSafe } from "../../src/lib/spreadsheet.ts";
import { buildFixtureWarehouse, query, tempDir } from "../helpers/warehouse.ts";
import { capture } from "../helpers/capture.ts";

const HEADER = "response_id,customer_id,answered_at,survey_type,touchpoint,channel,language,segment,business_unit,account_manager,recommend_score,recommend_reason";
const FORMULA = '=HYPERLINK("http://x","y")';
/** Five detractors of four customers (two managers, one customer without), one promoter with an
 * "opzeggen" remark, a hostile segment name; hand-countable. */
const ROWS = [
  `W01,K1,2026-10-01T09:00:00,relationship,,web,nl,zakelijk,schade,Anna de Vries,3,"${FORMULA.replaceAll('"', '""')}"`,
  "W02,K2,2026-10-02T09:00:00,relationship,,web,nl,zakelijk,schade,Anna de Vries,5,Te duur",
  "W03,K3,2026-10-03T09:00:00,relationship,,web,en,@SUM(A1),leven,Bob Smit,2,-2+3 is what I rate you",
  "W04,K4,2026-10-04T09:00:00,touchpoint,complaint,telefoon,nl,particulier,leven,,1,Niemand belt terug",
  "W05,K1,2026-10-05T09:00:00,relationship,,web,nl,zakelijk,schade,Anna de Vries,4,Nog steeds slecht",
  "W06,K5,2026-10-06T09:00:00,relationship,,web,nl,particulier,schade,Anna de Vries,9,Prima maar ik ga opzeggen als de premie stijgt",
];

const FORMULA_START = /^[=+\-@\t\r]/;
/** Cells of a CSV (quotes handled) that a spreadsheet would run as a formula. */
function formulaCells(csv: string): string[] {
  const cells: string[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const re = /(?:^|,)(?:"((?:[^"]|"")*)"|([^,]*))/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(line)) !== null) {
      const v = m[1] !== undefined ? m[1].replaceAll('""', '"') : (m[2] ?? "");
      if (FORMULA_START.test(v) && !/^[+-]?\d+(\.\d+)?$/.test(v)) cells.push(v);
      if (m[0] === "" && re.lastIndex === line.length) break;
      if (m.index === re.lastIndex) re.lastIndex++;
    }
  }
  return cells;
}

describe("workbooks per owner, read back", () => {
  let dir: string;
  let path: string;
  const run = async (...args: string[]) => {
    const c = capture();
    const code = await main([...args, "--warehouse", path], c.io);
    return { code, out: c.out(), err: c.err() };
  };

  beforeAll(async () => {
    dir = tempDir("promotor-workbook-");
    const file = join(dir, "answers.csv");
    writeFileSync(file, [HEADER, ...ROWS].join("\n") + "\n");
    path = (await buildFixtureWarehouse([file], { dir })).path;
  }, 120_000);

  it("opens a case per customer with a detractor answer; a later detractor answer joins the open case", async () => {
    const cases = await query(path, "SELECT customer_id, triggering_answers, owner, owner_kind FROM marts.fct_cases ORDER BY customer_id");
    expect(cases).toEqual([
      { customer_id: "K1", triggering_answers: 2, owner: "Anna de Vries", owner_kind: "account_manager" },
      { customer_id: "K2", triggering_answers: 1, owner: "Anna de Vries", owner_kind: "account_manager" },
      { customer_id: "K3", triggering_answers: 1, owner: "Bob Smit", owner_kind: "account_manager" },
      // no account manager: the routing table's team for complaints
      { customer_id: "K4", triggering_answers: 1, owner: "klachtenteam", owner_kind: "team" },
    ]);
  });

  it("exports one workbook and one CSV per owner; no cell of any export starts a formula", async () => {
    const r = await run("cases", "export", "--out", join(dir, "out"), "--lang", "nl");
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["anna-de-vries.csv", "anna-de-vries.xlsx", "bob-smit.csv", "bob-smit.xlsx", "klachtenteam.csv", "klachtenteam.xlsx"]);
    const anna = await readXlsxFile(join(dir, "out", "anna-de-vries.xlsx"));
    const rows = anna[0]!.data;
    expect(rows[0]!.slice(0, 3)).toEqual(["Case", "Prioriteit", "Uiterlijk"]);
    expect(rows.length).toBe(3);
    const reason = rows[0]!.indexOf("Toelichting klant");
    expect(rows.map((row) => row[reason])).toContain(`'${FORMULA}`);
    expect(anna[1]!.sheet).toBe("Keuzelijsten");
    for (const f of readdirSync(join(dir, "out")).filter((n) => n.endsWith(".csv"))) expect(formulaCells(readFileSync(join(dir, "out", f), "utf8")), f).toEqual([]);
    for (const f of readdirSync(join(dir, "out")).filter((n) => n.endsWith(".xlsx"))) {
      for (const sheet of await readXlsxFile(join(dir, "out", f))) for (const row of sheet.data) for (const cell of row) expect(typeof cell === "string" && FORMULA_START.test(cell), `${f}: ${String(cell)}`).toBe(false);
    }
  });

  it("promotor query --format csv writes a formula-like value with a leading quote, and numbers as numbers", async () => {
    const r = await run("query", JSON.stringify({ measures: ["nps.responses", "nps.score"], dimensions: ["nps.segment"] }), "--format", "csv");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("'@SUM(A1),1,-100");
    expect(formulaCells(r.out)).toEqual([]);
    expect(spreadsheetSafe("-12.5")).toBe("-12.5");
    expect(spreadsheetSafe("\tcmd")).toBe("'\tcmd");
  });

  it("imports the filled-in workbook: changes as events, bad rows in quarantine with file, row and reason; the same file again changes nothing", async () => {
    const file = join(dir, "out", "anna-de-vries.xlsx");
    const [sheet] = await readXlsxFile(file);
    const rows = sheet!.data.map((r) => [...r]);
    const col = (name: string) => rows[0]!.indexOf(name);
    // row 2: closed with root cause and note; row 3: a status promotor.yaml does not (yet) know; plus an unknown case
    rows[1]![col("Status")] = "closed";
    rows[1]![col("Oorzaak")] = "price";
    rows[1]![col("Uitkomst")] = "explained";
    rows[1]![col("Notitie")] = "Premie uitgelegd";
    rows[2]![col("Status")] = "waiting_for_customer";
    rows.push(["C-FFFFFFFFFFFFFFFF", ...rows[1]!.slice(1)]);
    const filled = join(dir, "anna-filled.xlsx");
    await writeXlsxFile(rows.map((r) => r.map((v) => (v === null ? null : v instanceof Date ? { value: v, type: Date, format: "yyyy-mm-dd hh:mm" } : typeof v === "number" ? { value: v, type: Number } : { value: String(v), type: String }))), {}).toFile(filled);

    const first = await run("cases", "import", filled, "--actor", "Anna de Vries");
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/anna-filled\.xlsx\s+3\s+1\s+0\s+2/);
    expect(first.out).toMatch(/unknown status/);
    const quarantined = await query(path, "SELECT source_file, source_row, case_id, reason FROM raw.case_quarantine ORDER BY source_row");
    expect(quarantined.map((q) => [q["source_row"], String(q["reason"]).split(";")[0]])).toEqual([
      [3, "unknown status 'waiting_for_customer'"],
      [4, "unknown case C-FFFFFFFFFFFFFFFF"],
    ]);
    expect(String(quarantined[0]!["source_file"])).toBe(filled);
    const [imp] = await query(path, "SELECT rows_read, rows_loaded, rows_quarantined, rows_duplicate FROM raw.case_imports");
    expect(imp).toEqual({ rows_read: 3, rows_loaded: 1, rows_quarantined: 2, rows_duplicate: 0 });

    const again = await run("cases", "import", filled);
    expect(again.out).toMatch(/imported before \(#1\); nothing changed/);
    expect(await query(path, "SELECT count(*) AS n FROM raw.case_events")).toEqual([{ n: 1 }]);

    const closed = await query(path, "SELECT status, root_cause, outcome, last_note FROM marts.fct_cases WHERE case_id = " + `'${String(rows[1]![0])}'`);
    expect(closed).toEqual([{ status: "closed", root_cause: "price", outcome: "explained", last_note: "Premie uitgelegd" }]);

    // After promotor.yaml names the status, a replay takes the row; the unknown case stays.
    const wh = await openWarehouse(path);
    try {
      const lists = controlledLists(parseFollowUp(undefined));
      const [replay] = await replayCaseQuarantine(wh.connection, { ...lists, statuses: [...lists.statuses, "waiting_for_customer"] });
      expect(replay).toMatchObject({ replayed: 2, loaded: 1, stillQuarantined: 1 });
    } finally {
      wh.close();
    }
    const imports = await query(path, "SELECT import_id, rows_read, rows_loaded, rows_quarantined, rows_duplicate, rows_replayed, replay_of FROM raw.case_imports ORDER BY import_id");
    expect(imports).toEqual([
      { import_id: 1, rows_read: 3, rows_loaded: 1, rows_quarantined: 0, rows_duplicate: 0, rows_replayed: 2, replay_of: null },
      { import_id: 2, rows_read: 2, rows_loaded: 1, rows_quarantined: 1, rows_duplicate: 0, rows_replayed: 0, replay_of: 1 },
    ]);
    // The dbt test holds the counts to the rows in raw: read = loaded + quarantined + unchanged, per file.
    const test = await runDbt(["build", "--select", "assert_case_imports_reconcile"], { warehouse: path });
    expect(test.exitCode, test.output.slice(-1500)).toBe(0);
  });

  it("an edit made after the export by someone else is reported, both are kept, and the later change counts", async () => {
    const [open] = await query(path, "SELECT case_id FROM marts.fct_cases WHERE owner = 'Bob Smit'");
    const id = String(open!["case_id"]);
    const file = join(dir, "out", "bob-smit.csv");
    // Bob's colleague changes the case after the export …
    const other = await run("cases", "update", id, "--status", "in_progress", "--note", "Teruggebeld door collega", "--actor", "Carla", "--at", "2026-10-05 10:00");
    expect(other.code, other.err).toBe(0);
    // … then Bob's workbook comes back with his own change, made earlier that day.
    const csv = readFileSync(file, "utf8").split("\r\n");
    const header = csv[0]!.split(",");
    const cells = csv[1]!.split(",");
    cells[header.indexOf("Status")] = "in_progress";
    cells[header.indexOf("Notitie")] = "Klant gebeld";
    const filled = join(dir, "bob-filled.csv");
    writeFileSync(filled, [header.join(",") + ",Datum wijziging", cells.join(",") + ",2026-10-05 09:00"].join("\r\n") + "\r\n");
    const r = await run("cases", "import", filled, "--actor", "Bob Smit");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/changed by someone else after the workbook was exported/);
    expect(r.out).toContain(id);
    const events = await query(path, `SELECT actor, note FROM raw.case_events WHERE case_id = '${id}' ORDER BY recorded_at`);
    expect(events).toEqual([{ actor: "Carla", note: "Teruggebeld door collega" }, { actor: "Bob Smit", note: "Klant gebeld" }]);
    const [state] = await query(path, `SELECT last_note, concurrent_edits FROM marts.fct_cases WHERE case_id = '${id}'`);
    expect(state).toEqual({ last_note: "Teruggebeld door collega", concurrent_edits: 1 });
  });

  it("cases update refuses an illegal change with the reason and exit code 2, and shows the case's events", async () => {
    const [closed] = await query(path, "SELECT case_id FROM marts.fct_cases WHERE status = 'closed' LIMIT 1");
    const r = await run("cases", "update", String(closed!["case_id"]), "--status", "open");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/illegal status change closed -> open/);
    const show = await run("cases", "show", String(closed!["case_id"]));
    expect(show.out).toMatch(/Premie uitgelegd/);
    const list = await run("cases", "list", "--owner", "Anna de Vries", "--status", "closed");
    expect(list.code).toBe(0);
    expect(list.out.split("\n")[0]).toMatch(/^case\s+owner\s+status\s+priority/);
  });

  it("a keyword rule of promotor.yaml opens a case for a promoter who mentions cancelling, with its priority and SLA", async () => {
    const settings = parseFollowUp({
      statuses: ["waiting_for_customer"],
      rules: [
        { name: "cancellation_risk", when: { keywords: ["opzeggen", "cancel"] }, priority: "urgent", sla_hours: 8 },
        { name: "detractor", when: { category: "detractor" } },
      ],
    });
    const result = await runDbt(["build", "--select", "int_case_triggers+"], { warehouse: path, env: caseRulesEnv(settings) });
    expect(result.exitCode, result.output.slice(-2000)).toBe(0);
    const [k5] = await query(path, "SELECT case_rule, priority, sla_hours, date_diff('hour', created_at, due_at) AS hours FROM marts.fct_cases WHERE customer_id = 'K5'");
    expect(k5).toEqual({ case_rule: "cancellation_risk", priority: "urgent", sla_hours: 8, hours: 8 });
  });
});
