/** Every CLI command, in the order `promotor help` lists them. Names, summaries and usage live
 * here so that `promotor --help` loads no command; a command's module (and what it imports:
 * Cube, DuckDB, dbt glue, Evidence) is imported only when that command runs.
 * tests/cli/registry.test.ts checks each entry against its module's own Command. */
import type { Command, CommandContext } from "./command.ts";

interface LazyCommand {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<Command>;
}

const entries: readonly LazyCommand[] = [
  {
    name: "start",
    summary: "build everything from the sample data and show where to look (npm start)",
    usage: "start [--fresh]",
    load: async () => (await import("./commands/start.ts")).startCommand,
  },
  {
    name: "ingest",
    summary: "raw exports (survey answers; --dataset customers: CRM ledgers; --dataset invitations: distribution histories) -> raw.* / raw.quarantine",
    usage: "ingest <file|dir>... [--dataset responses|customers|invitations] [--as-of YYYY-MM-DD] [--mapping FILE|PRESET] [--sheet NAME] [--encoding utf-8|windows-1252] [--strict-touchpoints]",
    load: async () => (await import("./commands/ingest.ts")).ingestCommand,
  },
  {
    name: "quarantine",
    summary: "list, show and replay rows in raw.quarantine",
    usage:
      "quarantine list [--dataset D] [--file F] [--reason TEXT] [--rows] [--limit N] [--resolved]\n  quarantine show <ingestion:row | response_id>\n" +
      "  quarantine replay [--dataset D] [--file F] [--reason TEXT] [--mapping FILE|PRESET] [--strict-touchpoints]\n  (D: responses, customers, invitations; default: every dataset)",
    load: async () => (await import("./commands/quarantine.ts")).quarantineCommand,
  },
  {
    name: "status",
    summary: "what the warehouse holds and how the last builds went",
    usage: "status",
    load: async () => (await import("./commands/status.ts")).statusCommand,
  },
  {
    name: "build",
    summary: "dbt build (seeds, models, tests) -> marts",
    usage: "build [--full-refresh] [--select SELECTOR] [--exclude SELECTOR] [--verbose]   (--full-refresh also re-tests every row; --verbose prints all of dbt's output)",
    load: async () => (await import("./commands/build.ts")).buildCommand,
  },
  {
    name: "contacts",
    summary: "who may be invited for a survey under the contact rules of promotor.yaml, and who is held back by which rule",
    usage: "contacts eligible --survey relationship|touchpoint [--touchpoint X] [--on YYYY-MM-DD[THH:MM]] [--customers FILE] --out FILE.csv|.xlsx",
    load: async () => (await import("./commands/contacts.ts")).contactsCommand,
  },
  {
    name: "cases",
    summary: "follow-up cases: list, show and update them, export a workbook per owner and import it back",
    usage:
      "cases list [--owner NAME] [--status S] [--overdue] [--limit 50]\n  cases show <case_id>\n" +
      "  cases update <case_id> [--status S] [--owner NAME] [--root-cause C] [--outcome O] [--note TEXT] [--at 'YYYY-MM-DD HH:MM'] [--actor NAME]\n" +
      "  cases export --out DIR [--owner NAME] [--lang nl|en]\n  cases import <file.xlsx|file.csv|dir>... [--actor NAME]\n  cases quarantine | cases replay [--file F]",
    load: async () => (await import("./commands/cases.ts")).casesCommand,
  },
  {
    name: "query",
    summary: "run a Cube query through the semantic layer (table, JSON or CSV; --sql shows Cube's SQL)",
    usage:
      "query '<Cube JSON query>' [--sql] [--format table|json|csv] [--role executive|business_unit|account_manager] " +
      "[--business-unit BU] [--account-manager AM] [--token JWT] [--no-pre-aggregations] [--members] [--model DIR] " +
      "| query --repl | query --batch FILE|-",
    load: async () => (await import("./commands/query.ts")).queryCommand,
  },
  {
    name: "generate",
    summary: "deterministic synthetic survey exports (csv, excel-nl, qualtrics, parquet), with progress",
    usage: "generate --responses N --out DIR [--seed 42] [--format ...] [--files K] [--bad-rows RATE] | generate case-events --out FILE.csv [--seed 42] | generate customers --out DIR [--exports YYYY-MM-DD,...] [--seed 42] | generate invitations --out FILE.csv [--seed 42]",
    load: async () => (await import("./commands/generate.ts")).generateCommand,
  },
  {
    name: "serve",
    summary: "Cube REST API (default 127.0.0.1:4000) and SQL API (Postgres protocol, 15432) over the warehouse",
    usage: "serve [--host 127.0.0.1] [--port 4000] [--sql-port 15432] [--no-sql-api] [--cors-origin URL,...] [--reload-interval 10] [--no-reload] [--check]",
    load: async () => (await import("./commands/serve.ts")).serveCommand,
  },
  {
    name: "token",
    summary: "print a short-lived JWT for the Cube API and live embeds (signed with CUBEJS_API_SECRET, else the local secret)",
    usage: "token --role executive|business_unit|account_manager [--business-unit X] [--account-manager NAME] [--expires 15m]",
    load: async () => (await import("./commands/token.ts")).tokenCommand,
  },
  {
    name: "charts",
    summary: "render the standard charts to SVG files with a gallery page (no server needed)",
    usage: "charts --out DIR [--business-unit X] [--date-range 'last 12 months'] [--min-sample 30] [--base-url URL]",
    load: async () => (await import("./commands/charts.ts")).chartsCommand,
  },
  {
    name: "pages",
    summary: "Evidence dashboards: check pages and sources, build a versioned release and its board pack PDF, preview it",
    usage: "pages check [--lang nl|en] | build [--lang nl|en] [--base-path /path] [--force] [--timeout MIN] | pdf [--release VERSION/LANG] [--out FILE] | preview [--port 3000] | sources | extension [--from DIR|URL] | dev [--lang nl|en]",
    load: async () => (await import("./commands/pages.ts")).pagesCommand,
  },
  {
    name: "trino",
    summary: "a local single-node Trino 476 with an Iceberg catalog, for the Trino engine (development, tests, CI)",
    usage: "trino start [--port 8080] [--heap 3G] [--timeout 120] | trino stop | trino status",
    load: async () => (await import("./commands/trino.ts")).trinoCommand,
  },
  {
    name: "bench",
    summary: "benchmarks: ingest, dbt build, incremental build, dashboard queries vs hand SQL, the dashboards' Evidence build",
    usage: "bench [--responses N...] [--format csv|parquet] [--repeat 10] [--runs 3] [--increment 100k|0] [--no-queries] [--no-pages] [--no-customers] [--no-contacts] [--dir DIR] [--update-docs]",
    load: async () => (await import("./commands/bench.ts")).benchCommand,
  },
];

/** What the help lists and what `load()` must match (tests/cli/registry.test.ts). */
export const commandEntries: readonly Pick<LazyCommand, "name" | "summary" | "usage" | "load">[] = entries;

/** The commands, each importing its module on first run. */
export const commands: readonly Command[] = entries.map((entry) => ({
  name: entry.name,
  summary: entry.summary,
  usage: entry.usage,
  async run(args: string[], ctx: CommandContext): Promise<number> {
    return (await entry.load()).run(args, ctx);
  },
}));
