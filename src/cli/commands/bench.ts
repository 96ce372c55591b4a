import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { PromotorError } from "../../lib/errors.ts";
import { benchHome, type BenchFormat } from "../../bench/datasets.ts";
import { markdownReport, textReport, updateDocs } from "../../bench/report.ts";
import { runBench } from "../../bench/run.ts";
import type { Command } from "../command.ts";
import { parseCount } from "./generate.ts";

const USAGE = "bench [--responses N...] [--format csv|parquet] [--repeat 10] [--runs 3] [--increment 100k|0] [--no-queries] [--no-pages] [--no-customers] [--no-contacts] [--dir DIR] [--update-docs]";
const DEFAULT_SIZES = [100_000, 1_000_000, 10_000_000];

export interface BenchArgs {
  sizes: number[];
  format: BenchFormat;
  repeat: number;
  runs: number;
  increment: number;
  queries: boolean;
  /** Time the dashboards' Evidence build on the sample data. */
  pages: boolean;
  customers: boolean;
  contacts: boolean;
  dir: string | undefined;
  updateDocs: boolean;
}

/** `--responses 100k 1M` or `--responses 100k --responses 1M` or `--responses 100k,1M`. */
export function parseBenchArgs(args: readonly string[]): BenchArgs {
  const out: BenchArgs = { sizes: [], format: "csv", repeat: 10, runs: 3, increment: 100_000, queries: true, pages: true, customers: true, contacts: true, dir: undefined, updateDocs: false };
  const value = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith("--")) throw new PromotorError(`${flag} needs a value`, { hint: `usage: promotor ${USAGE}` });
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case "--responses":
        out.sizes.push(...value(i, arg).split(",").map((t) => parseCount(t, "responses")));
        i++;
        // Further bare values belong to --responses too: --responses 100k 1M 10M.
        while (args[i + 1] !== undefined && !args[i + 1]!.startsWith("--")) out.sizes.push(...args[++i]!.split(",").map((t) => parseCount(t, "responses")));
        break;
      case "--format": {
        const f = value(i++, arg);
        if (f !== "csv" && f !== "parquet") throw new PromotorError(`unknown --format "${f}"`, { hint: "csv (default, what survey tools export) or parquet" });
        out.format = f;
        break;
      }
      case "--repeat":
        out.repeat = parseCount(value(i++, arg), "repeat");
        break;
      case "--runs":
        out.runs = parseCount(value(i++, arg), "runs");
        break;
      case "--increment":
        out.increment = parseCount(value(i++, arg), "increment");
        break;
      case "--dir":
        out.dir = value(i++, arg);
        break;
      case "--no-queries":
        out.queries = false;
        break;
      case "--update-docs":
        out.updateDocs = true;
        break;
      case "--no-pages":
        out.pages = false;
        break;
      case "--no-customers":
        out.customers = false;
        break;
      case "--no-contacts":
        out.contacts = false;
        break;
      default:
        throw new PromotorError(`unknown argument "${arg}"`, { hint: `usage: promotor ${USAGE}` });
    }
  }
  if (out.sizes.length === 0) out.sizes = [...DEFAULT_SIZES];
  if (out.sizes.some((n) => n < 1)) throw new PromotorError("--responses must be at least 1");
  if (out.repeat < 1 || out.runs < 1) throw new PromotorError("--repeat and --runs must be at least 1");
  return out;
}

export const benchCommand: Command = {
  name: "bench",
  summary: "benchmarks: ingest, dbt build, incremental build, dashboard queries vs hand SQL, the dashboards' Evidence build",
  usage: USAGE,
  async run(args, ctx) {
    const parsed = parseBenchArgs(args);
    const dir = parsed.dir === undefined ? benchHome(ctx.root) : resolve(parsed.dir);
    mkdirSync(dir, { recursive: true });
    const command = `promotor${ctx.trino ? " --engine trino" : ""} bench ${args.join(" ")}`.trim();
    const result = await runBench(
      {
        root: ctx.root,
        dir,
        sizes: parsed.sizes,
        format: parsed.format,
        repeat: parsed.repeat,
        runs: parsed.runs,
        increment: parsed.increment,
        queries: parsed.queries,
        pages: parsed.pages,
        customers: parsed.customers,
        contacts: parsed.contacts,
        ...(ctx.trino ? { trino: ctx.trino } : {}),
        log: (line) => ctx.stderr.write(`${line}\n`),
      },
      command,
    );
    ctx.stdout.write(textReport(result));
    const resultsDir = join(dir, "results");
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${result.date.replaceAll(":", "-").slice(0, 19)}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + "\n");
    ctx.stdout.write(`figures: ${file}\n`);
    if (parsed.updateDocs) {
      const docs = join(ctx.root, "docs", "benchmarks.md");
      const text = existsSync(docs) ? readFileSync(docs, "utf8") : "# Benchmarks\n";
      writeFileSync(docs, updateDocs(text, markdownReport(result)));
      ctx.stdout.write(`updated ${docs}\n`);
    }
    const wrong = result.sizes.flatMap((s) => s.queries.filter((q) => !q.equal).map((q) => `${s.responses}: ${q.title}: ${q.differences.join("; ")}`));
    if (wrong.length > 0) throw new PromotorError(`the semantic layer and the hand-written SQL disagree:\n${wrong.join("\n")}`, { hint: "a metric definition drifted: see src/bench/queries.ts and src/measures/" });
    return 0;
  },
};
