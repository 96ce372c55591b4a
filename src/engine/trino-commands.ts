/** The commands on the Trino engine (issue 25). Raw-changing commands run on the DuckDB journal
 * exactly as on the DuckDB engine (the same validation, quarantine, replay and counts), then
 * publish what is new to Iceberg (src/trino/publish.ts); `build` publishes, then runs the same
 * dbt project with dbt-trino. */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parseArgs } from "node:util";
import type { Command, CommandContext } from "../cli/command.ts";
import { dbtProgress, dbtSummary, projectRulesEnv } from "../cli/commands/build.ts";
import { startDbt } from "../dbt/run.ts";
import { openWarehouse } from "../lib/duckdb.ts";
import { PromotorError } from "../lib/errors.ts";
import { formatDuration, table } from "../lib/format.ts";
import { checkTrino, trinoQuery } from "../trino/client.ts";
import { localTrinoPaths } from "../trino/local.ts";
import { CONTACTS_EXTRA, copyMartsForPages, mirrorCases, type Mirrored } from "../trino/mirror.ts";
import { dropStaleRollups, martsVersion, trinoLayerRollupsSchema } from "../semantic/trino.ts";
import { assertSchemaBelongsTo, journalIdOf, publishRaw, rawSchema, type PublishResult, type StagingArea } from "../trino/publish.ts";
import { describeTrino, type TrinoSettings } from "./settings.ts";

/** The DuckDB file that journals raw data for Trino when --warehouse and PROMOTOR_WAREHOUSE
 * name none: beside the local server's files. */
export const journalPath = (root: string): string => join(localTrinoPaths(root).home, "journal.duckdb");

/** The DuckDB copy of Trino's marts the pages read, beside the journal. */
export const pagesCopyPath = (journal: string): string => journal.replace(/(\.duckdb)?$/, ".pages.duckdb");

/** Where DuckDB writes Parquet for Trino to commit. The local server (loopback) reads its own
 * data directory; a remote Trino needs a location both machines see (not built yet: docs/trino.md). */
export function stagingArea(root: string, t: TrinoSettings): StagingArea {
  if (t.staging) return { dir: isAbsolute(t.staging.dir) ? t.staging.dir : join(root, t.staging.dir), uri: t.staging.uri };
  if (t.host === "127.0.0.1" || t.host === "localhost") return { dir: localTrinoPaths(root).warehouse, uri: "local:///" };
  throw new PromotorError(`publishing raw data to a Trino on another machine (${describeTrino(t)}) needs a staging location both machines see`, {
    hint: "set trino.staging_dir (a folder this machine writes: a mount of the lake's storage) and trino.staging_uri (the same folder as Trino reads it, e.g. s3://lake/promotor-staging) in promotor.yaml; docs/trino.md",
    exitCode: 2,
  });
}

/** The environment dbt-trino's profile reads (transforms/profiles.yml, output trino). */
export function trinoDbtEnv(t: TrinoSettings): Record<string, string> {
  return {
    PROMOTOR_TRINO_HOST: t.host,
    PROMOTOR_TRINO_PORT: String(t.port),
    PROMOTOR_TRINO_USER: t.user,
    PROMOTOR_TRINO_CATALOG: t.catalog,
    PROMOTOR_TRINO_SCHEMA: t.schema,
    PROMOTOR_TRINO_TLS: t.tls ? "1" : "0",
    ...(t.password !== undefined ? { PROMOTOR_TRINO_PASSWORD: t.password } : {}),
  };
}

export async function publishJournal(journal: string, t: TrinoSettings, ctx: Pick<CommandContext, "root" | "stderr">): Promise<PublishResult | null> {
  if (!existsSync(journal)) return null;
  const db = await openWarehouse(journal);
  try {
    const started = performance.now();
    const result = await publishRaw(db.connection, t, stagingArea(ctx.root, t));
    const changes = [
      ...Object.entries(result.appended).filter(([, n]) => n > 0).map(([table, n]) => `${n.toLocaleString("en-US")} ${table}`),
      ...result.replaced.map((table) => `${table} rewritten`),
    ];
    ctx.stderr.write(
      `published to ${t.catalog}.${rawSchema(t)} on ${t.host}:${t.port} through ingestion #${result.throughIngestion}` +
        `${changes.length > 0 ? `: ${changes.join(", ")}` : ": nothing new"}` +
        `${result.orphansDeleted > 0 ? `; removed ${result.orphansDeleted.toLocaleString("en-US")} rows of an earlier publish that did not finish` : ""} (${formatDuration(performance.now() - started)})\n`,
    );
    return result;
  } finally {
    db.close();
  }
}

/** A raw-changing command: the DuckDB command on the journal, then the publish (also after a
 * failure: what the command committed is published, what it did not is not there). */
function onJournal(load: () => Promise<Command>, prepare?: (journal: string, t: TrinoSettings) => Promise<void>) {
  return async (args: string[], ctx: CommandContext, t: TrinoSettings): Promise<number> => {
    // The schema is created by the first publish; anything else (unreachable, credentials,
    // catalog) stops here, before the journal changes.
    await checkTrino(t, { schemaMayBeMissing: true });
    // Before the journal changes: a journal whose schema holds another journal's data would
    // take rows it can never publish there.
    let journalId: string | null = null;
    if (existsSync(ctx.warehouse)) {
      const db = await openWarehouse(ctx.warehouse, { readOnly: true });
      try {
        journalId = await journalIdOf(db.connection);
      } finally {
        db.close();
      }
    }
    await assertSchemaBelongsTo(t, journalId);
    if (prepare) await prepare(ctx.warehouse, t);
    const command = await load();
    const code = await command.run(args, ctx);
    await publishJournal(ctx.warehouse, t, ctx);
    return code;
  };
}

async function build(args: string[], ctx: CommandContext, t: TrinoSettings): Promise<number> {
  const { values } = parseArgs({ args, options: { "full-refresh": { type: "boolean" }, select: { type: "string" }, exclude: { type: "string" }, verbose: { type: "boolean" } } });
  await checkTrino(t, { schemaMayBeMissing: true });
  const published = await publishJournal(ctx.warehouse, t, ctx);
  if (!published) throw new PromotorError(`nothing to build on Trino: no journal at ${ctx.warehouse}`, { hint: "promotor --engine trino ingest <exports> first" });
  const dbtArgs = ["build", "--target", "trino"];
  if (values["full-refresh"]) dbtArgs.push("--full-refresh");
  if (values.select) dbtArgs.push("--select", values.select);
  if (values.exclude) dbtArgs.push("--exclude", values.exclude);
  ctx.stderr.write(`dbt build on ${describeTrino(t)}\n`);
  const dbt = startDbt({ warehouse: ctx.warehouse });
  try {
    const result = await dbt.run(dbtArgs, {
      // A partial build tests what it built: not a test that also reads a model left out.
      env: { ...trinoDbtEnv(t), ...(values.select ? { DBT_INDIRECT_SELECTION: "cautious" } : {}), PROMOTOR_TESTED_THROUGH_INGESTION: "0", ...projectRulesEnv(ctx.root) },
      onLine: dbtProgress(values.verbose === true, ctx.stderr),
    });
    ctx.stdout.write(dbtSummary(result));
    if (result.exitCode === 0) {
      // Rollups of the marts before this build are stale: the next query builds them again.
      const started = performance.now();
      // Said before the drops start, so that a slow server shows which step it is slow in.
      const dropped = await dropStaleRollups(t, (n) => ctx.stderr.write(`dropping ${n} rollup table${n === 1 ? "" : "s"} of an earlier build from ${t.catalog}.${trinoLayerRollupsSchema(t)} … `));
      if (dropped > 0) ctx.stderr.write(`dropped in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    if (result.exitCode !== 0) {
      const failures = result.nodes.filter((n) => n.status === "error" || n.status === "fail");
      // The server went away mid-build: one message with the cause, not one per node.
      const lost = failures.filter((f) => /Connection refused|NewConnectionError|Max retries exceeded|RemoteDisconnected|Connection aborted/.test(f.message ?? ""));
      if (lost.length > 0) {
        const done = result.nodes.filter((n) => n.resourceType === "model" && n.status === "success").length;
        throw new PromotorError(`Trino at ${describeTrino(t)} stopped answering during the build (${done} models were built, ${lost.length} nodes could not reach it)`, {
          hint: "start it again (promotor trino start, or ask its administrators), then run promotor --engine trino build again: it rebuilds what was not committed",
        });
      }
      throw new PromotorError(`dbt build on Trino failed:\n${failures.map((f) => `  ${f.uniqueId}: ${f.message ?? f.status}`).join("\n") || result.output.split("\n").slice(-25).join("\n")}`, {
        hint: "fix the data or the model, then run promotor --engine trino build again (it continues from what Trino holds)",
      });
    }
    return 0;
  } finally {
    dbt.cancel();
  }
}

/** What Trino holds: the raw tables and their rows, the latest ingestion published, the
 * journal it comes from, and the schemas the build made. */
async function status(args: string[], ctx: CommandContext, t: TrinoSettings): Promise<number> {
  if (args.length > 0) throw new PromotorError(`status takes no arguments, got "${args.join(" ")}"`, { hint: "promotor --engine trino status", exitCode: 2 });
  await checkTrino(t, { schemaMayBeMissing: true });
  const raw = rawSchema(t);
  const rows: [string, string][] = [["engine", `trino: ${describeTrino(t)}`]];
  const present = new Set((await trinoQuery(t, `SELECT table_name FROM ${t.catalog}.information_schema.tables WHERE table_schema = '${raw}'`, { withoutSchema: true })).map((r) => String(r["table_name"])));
  if (!present.has("ingestions")) {
    rows.push(["raw data", `none in ${t.catalog}.${raw} yet (promotor --engine trino ingest <exports>)`]);
  } else {
    const [i] = await trinoQuery(t, `SELECT count(*) AS n, max(ingestion_id) AS latest, max(ingested_at) AS at FROM ${t.catalog}.${raw}.ingestions`, { withoutSchema: true });
    rows.push(["ingestions", `${Number(i?.["n"] ?? 0).toLocaleString("en-US")}; latest #${String(i?.["latest"] ?? "–")} at ${String(i?.["at"] ?? "–").slice(0, 19)} UTC`]);
    for (const table of ["responses", "quarantine", "customers", "invitations", "case_events"]) {
      if (!present.has(table)) continue;
      const [n] = await trinoQuery(t, `SELECT count(*) AS n FROM ${t.catalog}.${raw}."${table}"`, { withoutSchema: true });
      rows.push([`raw.${table}`, `${Number(n?.["n"] ?? 0).toLocaleString("en-US")} rows`]);
    }
  }
  const [marts] = await trinoQuery(t, `SELECT count(*) AS n FROM ${t.catalog}.information_schema.tables WHERE table_schema = '${t.schema}_marts'`, { withoutSchema: true });
  rows.push(["marts", Number(marts?.["n"] ?? 0) > 0 ? `${String(marts?.["n"])} in ${t.catalog}.${t.schema}_marts` : "none yet (promotor --engine trino build)"]);
  rows.push(["journal", existsSync(ctx.warehouse) ? ctx.warehouse : `${ctx.warehouse} (not made yet)`]);
  ctx.stdout.write(table(["", ""], rows, { align: ["left", "left"] }) + "\n");
  return 0;
}

/** Commands on the Trino engine, by name. */
export const TRINO_COMMANDS: Record<string, (args: string[], ctx: CommandContext, t: TrinoSettings) => Promise<number>> = {
  ingest: onJournal(async () => (await import("../cli/commands/ingest.ts")).ingestCommand),
  // list and show read the journal, which holds what Trino holds; replay changes it and is published.
  quarantine: onJournal(async () => (await import("../cli/commands/quarantine.ts")).quarantineCommand),
  // Every change is checked against the case's state as Trino built it: copied into the journal
  // first (src/trino/mirror.ts); what the command records is published like any raw change.
  cases: onJournal(async () => (await import("../cli/commands/cases.ts")).casesCommand, copyCases),
  build,
  status,
  // The semantic layer on Trino: Cube's Presto dialect, rollups in <schema>_layer_rollups.
  query: onLayer(async () => (await import("../cli/commands/query.ts")).queryCommand),
  charts: onLayer(async () => (await import("../cli/commands/charts.ts")).chartsCommand),
  // Cube's server with Cube's Trino driver (src/semantic/config.ts); no snapshot.
  serve: onLayer(async () => (await import("../cli/commands/serve.ts")).serveCommand),
  // Each size through DuckDB and through Trino, beside each other (src/bench/trino.ts).
  bench: onLayer(async () => (await import("../cli/commands/bench.ts")).benchCommand),
  // The pages' sources run on a DuckDB copy of Trino's marts (src/trino/mirror.ts says why).
  pages: async (args, ctx, t) => {
    const copy = pagesCopyPath(ctx.warehouse);
    await copyMartsForPages(copy, t, await martsVersion(t), (line) => ctx.stderr.write(`${line}\n`));
    return (await import("../cli/commands/pages.ts")).pagesCommand.run(args, { ...ctx, warehouse: copy });
  },
  // Reads the journal's raw data (what Trino holds) and the cases as Trino built them.
  contacts: async (args, ctx, t) => {
    await checkTrino(t);
    await copyCases(ctx.warehouse, t, CONTACTS_EXTRA);
    return (await import("../cli/commands/contacts.ts")).contactsCommand.run(args, ctx);
  },
};

/** A command that reads through the semantic layer, pointed at Trino. */
function onLayer(load: () => Promise<Command>) {
  return async (args: string[], ctx: CommandContext, t: TrinoSettings): Promise<number> => (await load()).run(args, { ...ctx, trino: t });
}

async function copyCases(journal: string, t: TrinoSettings, extra: readonly Mirrored[] = []): Promise<void> {
  if (!existsSync(journal)) return;
  const db = await openWarehouse(journal);
  try {
    await mirrorCases(db.connection, t, extra);
  } finally {
    db.close();
  }
}
