import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Writable } from "node:stream";
import { PromotorError } from "../../lib/errors.ts";
import { formatBytes, formatDuration, formatInteger, table } from "../../lib/format.ts";
import { BAD_ROW_KINDS, badRowCount, parseBadKinds, TYPED_BAD_ROW_KINDS, type BadRowKind } from "../../generate/bad-rows.ts";
import { FORMATS, type FormatName } from "../../generate/formats.ts";
import { generate, type GenerateOptions, type GenerateSummary } from "../../generate/generate.ts";
import { Progress } from "../../generate/progress.ts";
import type { SurveyMix } from "../../generate/response.ts";
import type { Command, CommandContext } from "../command.ts";

const USAGE =
  "generate --responses N --out DIR [--seed 42] [--format csv|excel-nl|qualtrics|parquet] [--files K] " +
  "[--start 2025-01-01] [--end 2026-10-31] [--bad-rows RATE|COUNT] [--bad-kinds K1,K2] " +
  "[--survey-type mixed|relationship|touchpoint] [--touchpoints app,claim] [--name responses] [--customers M] [--quiet]";

const FLAGS = ["responses", "out", "seed", "format", "files", "start", "end", "bad-rows", "bad-kinds", "survey-type", "touchpoints", "name", "customers"] as const;
type Flag = (typeof FLAGS)[number];

/** "10000", "10_000", "10k", "10M" -> a whole number. */
export function parseCount(text: string, flag: string): number {
  const m = /^(\d[\d_]*)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new PromotorError(`--${flag} must be a whole number, got "${text}"`, { hint: `e.g. --${flag} 10000, 10k or 10M` });
  const unit = m[2]!.toLowerCase() === "k" ? 1e3 : m[2]!.toLowerCase() === "m" ? 1e6 : 1;
  return Number(m[1]!.replaceAll("_", "")) * unit;
}

export function parseGenerateArgs(args: string[]): { options: GenerateOptions; quiet: boolean } {
  const values = new Map<Flag, string>();
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--quiet") {
      quiet = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) as Flag;
    if (!arg.startsWith("--") || !FLAGS.includes(name)) throw new PromotorError(`unknown argument "${arg}"`, { hint: `usage: promotor ${USAGE}` });
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new PromotorError(`--${name} needs a value`, { hint: `usage: promotor ${USAGE}` });
    values.set(name, value);
  }
  const responsesText = values.get("responses");
  const out = values.get("out");
  if (responsesText === undefined || out === undefined) {
    throw new PromotorError("generate needs --responses and --out", { hint: "e.g. promotor generate --responses 10000 --out data/generated" });
  }
  const responses = parseCount(responsesText, "responses");
  if (responses < 1) throw new PromotorError("--responses must be at least 1");
  const format = (values.get("format") ?? "csv") as FormatName;
  if (!FORMATS.includes(format)) throw new PromotorError(`unknown --format "${format}"`, { hint: `one of: ${FORMATS.join(", ")}` });
  const files = parseCount(values.get("files") ?? "1", "files");
  if (files < 1 || files > responses) throw new PromotorError(`--files must be between 1 and --responses (${responses}), got ${files}`);
  const seedText = values.get("seed") ?? "42";
  if (!/^-?\d+$/.test(seedText)) throw new PromotorError(`--seed must be an integer, got "${seedText}"`);
  const mix = (values.get("survey-type") ?? "mixed") as SurveyMix;
  if (!["mixed", "relationship", "touchpoint"].includes(mix)) throw new PromotorError(`unknown --survey-type "${mix}"`, { hint: "one of: mixed, relationship, touchpoint" });
  const customers = values.has("customers") ? parseCount(values.get("customers")!, "customers") : Math.max(1, Math.round(responses / 2.5));
  if (customers < 1) throw new PromotorError("--customers must be at least 1");
  const name = values.get("name") ?? "responses";
  if (!/^[\w.-]+$/.test(name)) throw new PromotorError(`--name must be a plain file name without extension, got "${name}"`);

  let badKinds: readonly BadRowKind[];
  let badRows: number;
  try {
    badKinds = values.has("bad-kinds") ? parseBadKinds(values.get("bad-kinds")!) : format === "parquet" ? TYPED_BAD_ROW_KINDS : BAD_ROW_KINDS;
    const badText = values.get("bad-rows") ?? "0";
    const badValue = Number(badText);
    if (badText.trim() === "" || Number.isNaN(badValue)) throw new RangeError(`--bad-rows must be a number, got "${badText}"`);
    badRows = badRowCount(responses, badValue);
  } catch (error) {
    throw new PromotorError((error as Error).message, { hint: "--bad-rows 0.001 (a rate) or --bad-rows 7 (a count)" });
  }
  const touchpoints = (values.get("touchpoints") ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "");
  return {
    quiet,
    options: {
      responses, out: resolve(out), seed: Number(seedText), format, files, badRows, badKinds, mix, touchpoints, name, customers,
      start: values.get("start") ?? "2025-01-01",
      end: values.get("end") ?? "2026-10-31",
    },
  };
}

export function printSummary(summary: GenerateSummary, out: Writable): void {
  const rows = summary.files.map((f) => [f.path, f.rows, f.badRows, formatBytes(f.bytes)]);
  out.write(table(["file", "rows", "bad rows", "size"], rows, { align: ["left", "right", "right", "right"] }) + "\n");
  const rate = summary.seconds > 0 ? Math.round(summary.rows / summary.seconds) : 0;
  out.write(
    `\n${summary.files.length} file(s), ${formatInteger(summary.rows)} rows (${formatInteger(summary.badRows.length)} bad), ` +
      `${formatBytes(summary.bytes)} in ${formatDuration(summary.seconds * 1000)} (${formatInteger(rate)} rows/s)\n`,
  );
  if (summary.badRows.length > 0 && summary.badRows.length <= 50) {
    out.write("\nBad rows:\n");
    out.write(table(["file", "line", "kind", "response_id", "value"], summary.badRows.map((r) => [r.file, r.line, r.kind, r.responseId, r.value])) + "\n");
  }
}

export const generateCommand: Command = {
  name: "generate",
  summary: "deterministic synthetic survey exports (csv, excel-nl, qualtrics, parquet), with progress",
  usage: "generate --responses N --out DIR [--seed 42] [--format ...] [--files K] [--bad-rows RATE] | generate case-events --out FILE.csv [--seed 42] | generate customers --out DIR [--exports YYYY-MM-DD,...] [--seed 42] | generate invitations --out FILE.csv [--seed 42]",
  async run(args: string[], ctx: CommandContext): Promise<number> {
    if (args[0] === "case-events") return generateCaseEventsCommand(args.slice(1), ctx);
    if (args[0] === "customers") return generateCustomersCommand(args.slice(1), ctx);
    if (args[0] === "invitations") return generateInvitationsCommand(args.slice(1), ctx);
    const { options, quiet } = parseGenerateArgs(args);
    const progress = new Progress(options.responses + options.badRows, quiet ? null : ctx.stderr, (ctx.stderr as { isTTY?: boolean }).isTTY === true);
    let summary: GenerateSummary;
    try {
      summary = await generate(options, (done) => progress.update(done));
    } catch (error) {
      if (error instanceof RangeError) throw new PromotorError(error.message, { hint: `usage: promotor ${USAGE}` });
      throw new PromotorError(`could not write to ${options.out}: ${(error as Error).message}`, { file: options.out, hint: "check that the directory is writable and the disk has room", cause: error });
    } finally {
      progress.finish();
    }
    printSummary(summary, ctx.stdout);
    return 0;
  },
};

/** The shell of a generator that reads the answers in the warehouse (case events, customers,
 * invitations): --out and --seed checked, the warehouse opened read-only, the time taken. */
async function generateFromWarehouse(
  args: string[],
  ctx: CommandContext,
  what: { name: string; out: string; needs: string; options?: Record<string, { type: "string" }> },
  make: (connection: DuckDBConnection, out: string, seed: number, values: Record<string, string | undefined>) => Promise<string>,
): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: "string" }, seed: { type: "string" }, ...what.options } });
  const given = values as Record<string, string | undefined>;
  if (!given["out"]) throw new PromotorError(`generate ${what.name} needs --out ${what.out}`, { hint: `e.g. promotor generate ${what.name} --out data/${what.out === "DIR" ? what.name : `${what.name}.csv`}`, exitCode: 2 });
  const seed = Number(given["seed"] ?? "42");
  if (!Number.isInteger(seed)) throw new PromotorError(`--seed must be an integer, got "${given["seed"]}"`, { exitCode: 2 });
  if (!existsSync(ctx.warehouse)) throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: what.needs, exitCode: 2 });
  const { openWarehouse } = await import("../../lib/duckdb.ts");
  const warehouse = await openWarehouse(ctx.warehouse, { readOnly: true });
  try {
    const started = Date.now();
    const report = await make(warehouse.connection, resolve(given["out"]), seed, given);
    ctx.stdout.write(report.replace("{took}", formatDuration(Date.now() - started)));
  } finally {
    warehouse.close();
  }
  return 0;
}

/** `promotor generate case-events --out FILE`: the follow-up a CX team would have recorded for the
 * answers in the warehouse (after promotor build), in the layout promotor cases import reads. */
function generateCaseEventsCommand(args: string[], ctx: CommandContext): Promise<number> {
  return generateFromWarehouse(args, ctx, { name: "case-events", out: "FILE.csv", needs: "run promotor ingest and promotor build first" }, async (connection, out, seed) => {
    const { generateCaseEvents } = await import("../../cases/generate.ts");
    const summary = await generateCaseEvents(connection, out, { seed, keepCases: false });
    return `${out}: ${formatInteger(summary.events)} events for ${formatInteger(summary.opened)} cases (${formatInteger(summary.closed)} closed) in {took}\nimport them with promotor cases import <file>, then promotor build\n`;
  });
}

/** `promotor generate customers --out DIR`: customer ledger exports for the answers in the
 * warehouse, whose churn depends on the answers (src/customers/generate.ts, docs/value.md). */
function generateCustomersCommand(args: string[], ctx: CommandContext): Promise<number> {
  const what = { name: "customers", out: "DIR", needs: "run promotor ingest <survey exports> first", options: { exports: { type: "string" as const } } };
  return generateFromWarehouse(args, ctx, what, async (connection, out, seed, values) => {
    const { generateCustomers } = await import("../../customers/generate.ts");
    const exports = values["exports"];
    const ledger = await generateCustomers(connection, out, { seed, ...(exports ? { exports: exports.split(",").map((e) => e.trim()) } : {}) });
    return (
      `${ledger.files.length} exports (${ledger.exports.join(", ")}) of ${formatInteger(ledger.customers)} customers, ${formatInteger(ledger.churned)} of whom leave, in {took}:\n` +
      ledger.files.map((f) => `  ${f}\n`).join("") +
      "ingest them with promotor ingest --dataset customers <dir>, then promotor build\n"
    );
  });
}

/** `promotor generate invitations --out FILE.csv`: the distribution history of the answers in the
 * warehouse, whose response rate falls with contact frequency (src/invitations/generate.ts). */
function generateInvitationsCommand(args: string[], ctx: CommandContext): Promise<number> {
  return generateFromWarehouse(args, ctx, { name: "invitations", out: "FILE.csv", needs: "run promotor ingest <survey exports> first" }, async (connection, out, seed) => {
    const { generateInvitations } = await import("../../invitations/generate.ts");
    const made = await generateInvitations(connection, out, { seed });
    return `${out}: ${formatInteger(made.invitations)} invitations, ${formatInteger(made.answered)} of them answered, in {took}\ningest them with promotor ingest --dataset invitations <file>, then promotor build\n`;
  });
}
