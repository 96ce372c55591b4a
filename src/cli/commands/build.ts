import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { finishAttempt, startAttempt } from "../../dbt/attempts.ts";
import { dbtWorkDirs, startDbt, type DbtNodeResult, type DbtRunResult } from "../../dbt/run.ts";
import { CODE_UNCHANGED_SELECTOR, CODE_UNCHANGED_WITHOUT_FOLLOW_UP_SELECTOR, forgetReferenceData, projectFingerprint, recordBuild, REFERENCE_DATA_SELECTOR, referenceDataCurrent, testScopeOn, touchpointsNewToViews, type TestScope } from "../../dbt/test-state.ts";
import { caseRulesEnv, readFollowUp } from "../../cases/config.ts";
import { readValue, valueEnv } from "../../customers/config.ts";
import { contactRulesEnv, readContactRules } from "../../invitations/rules.ts";
import { PromotorError } from "../../lib/errors.ts";
import { openWarehouse, queryRows } from "../../lib/duckdb.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { formatDuration, table } from "../../lib/format.ts";
import type { Command } from "../command.ts";

export const buildCommand: Command = {
  name: "build",
  summary: "dbt build (seeds, models, tests) -> marts",
  usage: "build [--full-refresh] [--select SELECTOR] [--exclude SELECTOR] [--verbose]   (--full-refresh also re-tests every row; --verbose prints all of dbt's output)",
  async run(args, ctx) {
    const { values } = parseArgs({ args, options: { "full-refresh": { type: "boolean" }, select: { type: "string" }, exclude: { type: "string" }, verbose: { type: "boolean" } } });
    if (!existsSync(ctx.warehouse)) {
      throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "run promotor ingest <exports> first (npm start ingests seeds/sample)" });
    }
    // dbt's Python process imports dbt (the slowest part of a small build) while this process
    // prepares the warehouse and the test scope; it opens the warehouse only when it runs.
    // The follow-up rules of promotor.yaml, checked before dbt starts (a mistake names its key).
    const rulesEnv = projectRulesEnv(ctx.root);
    const dbt = startDbt({ warehouse: ctx.warehouse });
    // Row-level tests look only at ingestions that earlier builds of this same code did not test.
    const fingerprint = projectFingerprint();
    // --exclude leaves the reference-data logic as it is (the same build, less some models), but a
    // build without some models vouches for nothing (not recorded).
    const whole = !values.select;
    const exclude = values.exclude;
    let scope: TestScope;
    let skipReference = false;
    let skipViews = false;
    let newTouchpoints: string[] | null = null;
    let result: Awaited<ReturnType<typeof dbt.run>>;
    let attemptId = 0;
    // SIGINT/SIGTERM during the build: dbt is stopped, then the attempt is recorded as
    // interrupted (the warehouse is dbt's until it has exited). SIGKILL cannot be caught: the
    // dbt child then ends by itself (dbt_driver.py) and the next build records the attempt.
    let interruptedBy: NodeJS.Signals | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      interruptedBy ??= signal;
      dbt.kill(signal);
    };
    try {
      const dbtArgs = ["build"];
      if (values["full-refresh"]) dbtArgs.push("--full-refresh");
      if (values.select) dbtArgs.push("--select", values.select);
      const db = await openWarehouse(ctx.warehouse);
      try {
        // Columns added to raw since the warehouse was made (ingest adds them too).
        await ensureRawSchema(db.connection);
        const attempt = await startAttempt(db.connection, ["build", ...args].join(" "));
        attemptId = attempt.attemptId;
        for (const earlier of attempt.interrupted) {
          ctx.stderr.write(`note: the build started ${earlier.startedAt} UTC (${earlier.command}) was interrupted: ${earlier.reason}\n`);
        }
        scope = await testScopeOn(db.connection, fingerprint, values["full-refresh"] === true);
        // The reference data of this same code is loaded and passed its tests: leave it out, and
        // the views too (their tests still run) unless new responses bring a touchpoint that
        // int_touchpoints, written into the views' SQL, does not hold yet.
        skipReference = whole && values["full-refresh"] !== true && (await referenceDataCurrent(db.connection, fingerprint));
        if (skipReference) {
          newTouchpoints = await touchpointsNewToViews(db.connection, scope.testedThroughIngestion);
          // A YAML selector takes no --exclude: only the follow-up models have a selector without them.
          skipViews = newTouchpoints !== null && newTouchpoints.length === 0 && (!exclude || exclude === "tag:follow_up");
          if (skipViews) dbtArgs.push("--selector", exclude ? CODE_UNCHANGED_WITHOUT_FOLLOW_UP_SELECTOR : CODE_UNCHANGED_SELECTOR);
          else dbtArgs.push("--exclude", REFERENCE_DATA_SELECTOR, ...(exclude ? [exclude] : []));
        } else {
          await forgetReferenceData(db.connection);
          if (exclude) dbtArgs.push("--exclude", exclude);
        }
      } finally {
        db.close();
      }
      const tested =
        scope.testedThroughIngestion === 0
          ? "row-level tests on every row"
          : `row-level tests on ingestions after #${scope.testedThroughIngestion} (earlier ones passed with this code)`;
      const reference = !skipReference
        ? ""
        : skipViews
          ? "; reference data and views unchanged since the last build (not rebuilt)"
          : `; reference data unchanged since the last build (not reloaded); views made again${newTouchpoints && newTouchpoints.length > 0 ? ` for new touchpoints (${newTouchpoints.slice(0, 5).join(", ")}${newTouchpoints.length > 5 ? ", …" : ""})` : ""}`;
      ctx.stderr.write(`dbt build on ${ctx.warehouse}; ${tested}${reference}\n`);
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, onSignal);
      result = await dbt.run(dbtArgs, {
        // An environment variable read at run time, not --vars: changed vars make dbt parse the whole project again.
        env: { PROMOTOR_TESTED_THROUGH_INGESTION: String(scope.testedThroughIngestion), ...rulesEnv },
        onLine: dbtProgress(values.verbose === true, ctx.stderr),
      });
    } catch (error) {
      if (attemptId > 0) await finishAttempt(ctx.warehouse, attemptId, "failed", error instanceof Error ? error.message : String(error)).catch(() => undefined);
      throw error;
    } finally {
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.off(signal, onSignal);
      dbt.cancel();
    }
    if (interruptedBy) {
      await finishAttempt(ctx.warehouse, attemptId, "interrupted", `stopped by ${interruptedBy}`);
      throw new PromotorError(`build interrupted by ${interruptedBy}: dbt was stopped; the models it had not committed were rolled back`, {
        hint: "run promotor build again; it continues from what is in the warehouse",
        exitCode: interruptedBy === "SIGINT" ? 130 : 143,
      });
    }
    ctx.stdout.write(dbtSummary(result));
    if (result.exitCode !== 0) {
      const failures = result.nodes.filter((n) => n.status === "error" || n.status === "fail");
      const detail = failures.length > 0 ? await failureReport(ctx.warehouse, failures) : result.output.split("\n").slice(-25).join("\n");
      await finishAttempt(ctx.warehouse, attemptId, "failed", failures.length > 0 ? `${failures.length} dbt node(s) failed: ${failures.map((f) => f.uniqueId).join(", ")}` : `dbt exited with code ${result.exitCode}`);
      throw new PromotorError(`dbt build failed:\n${detail}`, {
        hint: `see ${readablePath(join(dbtWorkDirs(ctx.warehouse).logPath, "dbt.log"))}; fix the data or the model, then run promotor build again`,
      });
    }
    // A partial build (--select) did not run every test, so it vouches for nothing.
    if (whole && !exclude) await recordBuild(ctx.warehouse, fingerprint, scope, { referenceData: !skipReference });
    await finishAttempt(ctx.warehouse, attemptId, "succeeded");
    await reportDataQuality(ctx.warehouse, ctx.stdout);
    return 0;
  },
};

/** The follow-up, value and contact rules of promotor.yaml as the environment dbt reads them,
 * checked before dbt starts (a mistake names its key). */
export function projectRulesEnv(root: string): Record<string, string> {
  return { ...caseRulesEnv(readFollowUp(root)), ...valueEnv(readValue(root)), ...contactRulesEnv(readContactRules(root)) };
}

/** dbt's output as a build shows it: with `verbose` every line as dbt prints it (START lines
 * included), else its "1 of 42 OK created sql table model ..." lines that say how a node ended. */
export function dbtProgress(verbose: boolean, out: NodeJS.WritableStream): (line: string) => void {
  return (line) => {
    if (verbose) return void out.write(`${line}\n`);
    if (/ of \d+ (START|OK|PASS|ERROR|FAIL|WARN|SKIP)/.test(line) === false) return;
    if (/ (OK|PASS|ERROR|FAIL|WARN) /.test(line)) out.write(`  ${line.replace(/^\S+\s+/, "").trim()}\n`);
  };
}

/** Seeds, models and tests: how many ran, passed, failed, and how long dbt took. */
export function dbtSummary(result: Pick<DbtRunResult, "nodes" | "elapsedMs">): string {
  const rows = (["seed", "model", "test"] as const).map((kind) => {
    const nodes = result.nodes.filter((n) => n.resourceType === kind);
    const ok = nodes.filter((n) => n.status === "success" || n.status === "pass").length;
    const failed = nodes.filter((n) => n.status === "error" || n.status === "fail").length;
    return [kind + "s", nodes.length, ok, failed, nodes.length - ok - failed];
  });
  return `${table(["dbt", "total", "ok", "failed", "warn/skip"], rows)}\ndbt build took ${formatDuration(result.elapsedMs)}\n`;
}

/** Each failed dbt node with its message and rows, by node id: dbt's threads finish them in
 * any order, and the message should read the same on every run. */
export async function failureReport(warehouse: string, failures: readonly DbtNodeResult[]): Promise<string> {
  const sorted = [...failures].sort((a, b) => (a.uniqueId < b.uniqueId ? -1 : a.uniqueId > b.uniqueId ? 1 : 0));
  const parts = await Promise.all(sorted.map(async (f) => `  ${f.uniqueId}: ${f.message ?? f.status}${await failingRows(warehouse, f)}`));
  return parts.join("\n");
}

/** A failed test's rows (up to 10, sorted: which ten and their order must not depend on threads), e.g. the failing checks of a row_checks test with their row
 * counts (transforms/macros/test_row_checks.sql), by running the SQL dbt ran, read-only. */
async function failingRows(warehouse: string, node: DbtNodeResult): Promise<string> {
  if (!node.compiledCode) return "";
  try {
    const db = await openWarehouse(warehouse, { readOnly: true });
    try {
      const rows = await queryRows(db.connection, `SELECT * FROM (${node.compiledCode}) AS failures ORDER BY ALL LIMIT 10`);
      return rows.map((row) => `\n    ${Object.values(row).filter((v) => v !== null).map(String).join(": ")}`).join("");
    } finally {
      db.close();
    }
  } catch {
    return ""; // dbt's own message is already there
  }
}

/** Lists what marts.fct_data_quality found: unmapped touchpoints with row counts, quarantine. */
async function reportDataQuality(warehouse: string, out: NodeJS.WritableStream): Promise<void> {
  const db = await openWarehouse(warehouse, { readOnly: true });
  try {
    const exists = await queryRows(db.connection, "SELECT 1 FROM duckdb_views() WHERE schema_name = 'marts' AND view_name = 'fct_data_quality' UNION ALL SELECT 1 FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'fct_data_quality'");
    if (exists.length === 0) return;
    const unmapped = await queryRows(db.connection, "SELECT subject, rows, suggestion FROM marts.fct_data_quality WHERE check_name = 'touchpoint_not_in_journey_map' ORDER BY rows DESC, subject");
    if (unmapped.length > 0) {
      const hint = (r: Record<string, unknown>): string => (r["suggestion"] ? ` (did you mean ${String(r["suggestion"])}?)` : "");
      out.write(`\nnot in your journey map: ${unmapped.map((r) => `${String(r["subject"])}, ${Number(r["rows"]).toLocaleString("en-US")} rows${hint(r)}`).join("; ")}\n`);
      out.write("  they are shown after the known journey; add them to seeds/reference/touchpoints.csv (or fix the spelling) and run promotor build again\n");
    }
    const [q] = await queryRows(db.connection, "SELECT coalesce(sum(rows), 0) AS n, count(*) AS files FROM marts.fct_data_quality WHERE check_name = 'quarantined_rows'");
    if (Number(q?.["n"] ?? 0) > 0) out.write(`in quarantine: ${Number(q?.["n"]).toLocaleString("en-US")} rows from ${String(q?.["files"])} file(s); see promotor quarantine list\n`);
  } finally {
    db.close();
  }
}

/** Relative to the working directory when inside it, else absolute. */
function readablePath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}
