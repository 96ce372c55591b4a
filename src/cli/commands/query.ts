/** `promotor query '<Cube JSON query>'`: runs a Cube query through the Cube model on the
 * warehouse (in-process; see docs/semantic.md) and prints a table, JSON or CSV. */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { errorMessage, PromotorError } from "../../lib/errors.ts";
import { table, type Cell } from "../../lib/format.ts";
import { createSemanticLayer } from "../../semantic/layer.ts";
import { securityContextOfToken } from "../../semantic/security.ts";
import { readApiSecret } from "../../token/secret.ts";
import { ROLES, type CubeQuery, type LoadResult, type MetaCube, type SecurityContext, type SemanticLayer } from "../../semantic/types.ts";
import { csvField } from "../../lib/spreadsheet.ts";
import type { Command, CommandContext } from "../command.ts";

const USAGE =
  "query '<Cube JSON query>' [--sql] [--format table|json|csv] [--role executive|business_unit|account_manager] " +
  "[--business-unit BU] [--account-manager AM] [--token JWT] [--no-pre-aggregations] [--members] [--model DIR] " +
  "| query --repl | query --batch FILE|-";

const FORMATS = ["table", "json", "csv"] as const;
type Format = (typeof FORMATS)[number];

export interface QueryArgs {
  query: CubeQuery | undefined;
  showSql: boolean;
  format: Format;
  security: SecurityContext;
  preAggregations: boolean;
  members: boolean;
  model: string | undefined;
  /** Read queries from stdin interactively (--repl) or from a file, one JSON query a line (--batch FILE, - for stdin). */
  repl: boolean;
  batch: string | undefined;
}

export function parseQueryArgs(args: string[], env: NodeJS.ProcessEnv = process.env): QueryArgs {
  let text: string | undefined;
  let showSql = false;
  let format: Format = "table";
  let role: string | undefined;
  let businessUnit: string | undefined;
  let accountManager: string | undefined;
  let token: string | undefined;
  let preAggregations = true;
  let members = false;
  let model: string | undefined;
  let repl = false;
  let batch: string | undefined;
  const value = (i: number, flag: string): string => {
    const v = args[i];
    if (v === undefined) throw new PromotorError(`${flag} needs a value`, { hint: `usage: promotor ${USAGE}` });
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const next = (): string => inline ?? value(++i, flag);
    switch (flag) {
      case "--sql": showSql = true; break;
      case "--members": members = true; break;
      case "--no-pre-aggregations": preAggregations = false; break;
      case "--format": {
        const f = next();
        if (!(FORMATS as readonly string[]).includes(f)) throw new PromotorError(`unknown --format "${f}"`, { hint: `one of: ${FORMATS.join(", ")}` });
        format = f as Format;
        break;
      }
      case "--role": role = next(); break;
      case "--business-unit": businessUnit = next(); break;
      case "--account-manager": accountManager = next(); break;
      case "--token": token = next(); break;
      case "--model": model = next(); break;
      case "--repl": repl = true; break;
      case "--batch": batch = next(); break;
      default:
        if (arg.startsWith("--")) throw new PromotorError(`unknown option "${arg}"`, { hint: `usage: promotor ${USAGE}` });
        if (text !== undefined) throw new PromotorError("give one Cube query (quote the JSON)", { hint: `usage: promotor ${USAGE}` });
        text = arg;
    }
  }
  let query: CubeQuery | undefined;
  if (text !== undefined) {
    try {
      query = JSON.parse(text) as CubeQuery;
    } catch (error) {
      throw new PromotorError(`the query is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
        hint: `quote it for the shell: promotor query '{"measures":["nps.score"],"dimensions":["nps.touchpoint"]}'`,
      });
    }
  } else if (!members && !repl && batch === undefined) {
    throw new PromotorError("query needs a Cube JSON query", { hint: `usage: promotor ${USAGE}` });
  }
  if ((repl || batch !== undefined) && text !== undefined) {
    throw new PromotorError("--repl and --batch read their queries from input; give no query on the command line", { hint: `usage: promotor ${USAGE}` });
  }
  if (repl && batch !== undefined) throw new PromotorError("choose --repl or --batch, not both");
  let security: SecurityContext;
  if (token !== undefined) {
    if (role !== undefined || businessUnit !== undefined || accountManager !== undefined) {
      throw new PromotorError("--token carries the role; do not combine it with --role/--business-unit/--account-manager");
    }
    security = securityContextOfToken(token, readApiSecret({ env }).value);
  } else {
    const r = role ?? (businessUnit !== undefined ? "business_unit" : accountManager !== undefined ? "account_manager" : "executive");
    if (!(ROLES as readonly string[]).includes(r)) throw new PromotorError(`unknown --role "${r}"`, { hint: `one of: ${ROLES.join(", ")}` });
    if (r === "business_unit" && !businessUnit) throw new PromotorError("--role business_unit needs --business-unit");
    if (r === "account_manager" && !accountManager) throw new PromotorError("--role account_manager needs --account-manager");
    security = { role: r };
    if (businessUnit !== undefined) security.business_unit = businessUnit;
    if (accountManager !== undefined) security.account_manager = accountManager;
  }
  return { query, showSql, format, security, preAggregations, members, model, repl, batch };
}

/** Result columns in query order: dimensions, time dimensions (with granularity), measures. */
export function resultColumns(result: LoadResult): string[] {
  const q = result.query as { dimensions?: string[]; timeDimensions?: { dimension: string; granularity?: string }[]; measures?: string[] };
  const cols = [
    ...(q.dimensions ?? []),
    ...(q.timeDimensions ?? []).filter((t) => t.granularity).map((t) => `${t.dimension}.${t.granularity}`),
    ...(q.measures ?? []),
  ];
  return cols.filter((c, i) => cols.indexOf(c) === i);
}

// Formula-like cells are neutralised (src/lib/spreadsheet.ts): CSV results open in Excel.
const csvCell = (v: unknown): string => csvField(v);

export function renderResult(result: LoadResult, format: Format): string {
  const columns = resultColumns(result);
  if (format === "json") return JSON.stringify(result.data, null, 2);
  if (format === "csv") return [columns.map(csvCell).join(","), ...result.data.map((row) => columns.map((c) => csvCell(row[c])).join(","))].join("\n");
  const rows: Cell[][] = result.data.map((row) => columns.map((c) => {
    const v = row[c];
    return typeof v === "string" && /^\d{4}-\d\d-\d\dT00:00:00\.000$/.test(v) ? v.slice(0, 10) : (v as Cell);
  }));
  return table(columns, rows);
}

export function renderMembers(cubes: MetaCube[]): string {
  const rows: Cell[][] = cubes
    .filter((c) => c.isVisible)
    .flatMap((c) => [...c.measures, ...c.dimensions].filter((m) => m.isVisible).map((m): Cell[] => [m.name, m.kind, m.type, m.description ?? ""]));
  return table(["member", "kind", "type", "description"], rows);
}

/** One answer as the command prints it: the rendered result on stdout, the note on stderr. */
async function answer(layer: SemanticLayer, query: CubeQuery, parsed: QueryArgs, ctx: Pick<CommandContext, "stdout" | "stderr" | "trino">, elapsed?: () => number): Promise<void> {
  const result = await layer.load(query, parsed.security);
  if (parsed.showSql) {
    const where = ctx.trino ? `as an Iceberg table in ${ctx.trino.catalog}.${ctx.trino.schema}_layer_rollups` : "in DuckDB";
    const served = result.preAggregation ? `-- served from pre-aggregation ${result.preAggregation} (a rollup built ${where} from Cube's pre-aggregation SQL)\n` : "";
    ctx.stdout.write(`${served}${result.sql.trim()};\n`);
    return;
  }
  if (parsed.format === "json" && elapsed) {
    // Batch/REPL: one JSON document a line.
    ctx.stdout.write(JSON.stringify(result.data) + "\n");
    return;
  }
  ctx.stdout.write(renderResult(result, parsed.format) + "\n");
  if (parsed.format === "table") {
    const time = elapsed ? ` · ${elapsed().toFixed(1)} ms` : "";
    const note = `${result.data.length} row${result.data.length === 1 ? "" : "s"}${result.preAggregation ? ` · from pre-aggregation ${result.preAggregation}` : ""}${time}`;
    ctx.stderr.write(`${note}\n`);
  } else if (parsed.format === "csv" && elapsed) ctx.stdout.write("\n");
}

/** Queries from a stream, one JSON query a line (blank lines and `#` comments skipped): the layer
 * is compiled once and every repeated question costs only DuckDB's time. Returns the number of
 * queries that failed. */
export async function runQueryLines(
  layer: SemanticLayer,
  input: Readable,
  parsed: QueryArgs,
  ctx: Pick<CommandContext, "stdout" | "stderr">,
  prompt?: string,
): Promise<{ answered: number; failed: number }> {
  const lines = createInterface({ input, crlfDelay: Infinity, terminal: false });
  let answered = 0;
  let failed = 0;
  let lineNo = 0;
  if (prompt) ctx.stderr.write(prompt);
  for await (const raw of lines) {
    lineNo++;
    const line = raw.trim();
    if (line === ".exit" || line === ".quit") break;
    if (line !== "" && !line.startsWith("#")) {
      const started = performance.now();
      try {
        let query: CubeQuery;
        try {
          query = JSON.parse(line) as CubeQuery;
        } catch (error) {
          throw new PromotorError(`line ${lineNo}: not a JSON query: ${errorMessage(error)}`, { hint: `one query a line, e.g. {"measures":["nps.score"]}` });
        }
        await answer(layer, query, parsed, ctx, () => performance.now() - started);
        answered++;
      } catch (error) {
        failed++;
        ctx.stderr.write(`promotor: ${errorMessage(error)}\n`);
      }
    }
    if (prompt) ctx.stderr.write(prompt);
  }
  return { answered, failed };
}

export const queryCommand: Command = {
  name: "query",
  summary: "run a Cube query through the semantic layer (table, JSON or CSV; --sql shows Cube's SQL)",
  usage: USAGE,
  async run(args: string[], ctx: CommandContext): Promise<number> {
    const parsed = parseQueryArgs(args);
    const layer = await createSemanticLayer({
      warehouse: ctx.warehouse,
      ...(ctx.trino ? { trino: ctx.trino } : {}),
      preAggregations: parsed.preAggregations,
      planCache: true,
      ...(parsed.model ? { model: parsed.model } : {}),
    });
    try {
      if (parsed.members) {
        ctx.stdout.write(renderMembers(await layer.meta()) + "\n");
        if (!parsed.query && !parsed.repl && parsed.batch === undefined) return 0;
      }
      if (parsed.repl || parsed.batch !== undefined) {
        const input = parsed.batch === undefined || parsed.batch === "-" ? process.stdin : createReadStream(parsed.batch);
        const opened = new Promise<void>((resolve, reject) => {
          if (input === process.stdin) return resolve();
          input.once("open", () => resolve());
          input.once("error", (error: Error) => reject(new PromotorError(`cannot read ${parsed.batch}: ${errorMessage(error)}`, { file: parsed.batch })));
        });
        await opened;
        const prompt = parsed.repl && process.stdin.isTTY ? "promotor> " : undefined;
        const { failed } = await runQueryLines(layer, input, parsed, ctx, prompt);
        return failed > 0 ? 1 : 0;
      }
      await answer(layer, parsed.query!, parsed, ctx);
      return 0;
    } finally {
      await layer.close();
    }
  },
};
