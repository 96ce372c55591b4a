/** The local Trino (issue 25, point 5 and 7), for real: `promotor trino start` fetches Trino 476
 * by Maven coordinates once (into the cache), starts it on the Temurin 25 JDK, bound to the
 * loopback address only, with an Iceberg catalog on local disk; queries, faults and stop.
 * Nothing here skips: where Trino cannot start, the start fails with its reason. */
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRINO_DEFAULTS, type TrinoSettings } from "../../src/engine/settings.ts";
import { runChild } from "../../src/lib/child.ts";
import { projectRoot } from "../../src/lib/paths.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { checkTrino, trinoQuery } from "../../src/trino/client.ts";
import { localTrinoPaths } from "../../src/trino/local.ts";
import { compareRelation, describeDifferences, type RelationParity } from "../../src/engine/parity.ts";
import { ALL_RELATIONS } from "../../src/engine/relations.ts";
import { openWarehouse, queryRows } from "../../src/lib/duckdb.ts";
import type { DuckDBConnection } from "@duckdb/node-api";
import { tempDir } from "../helpers/warehouse.ts";
import { createSemanticLayer } from "../../src/semantic/index.ts";
import { compareLayers, layerQuestions } from "../../src/engine/query-parity.ts";
import { serverConfig } from "../../src/serve/config.ts";
import { createCubeServer, stopCube } from "../../src/serve/cube.ts";
import { issueToken } from "../../src/token/token.ts";
import { restLoad } from "../serve/cube-in-process.ts";

const cli = join(projectRoot, "bin", "promotor.mjs");
// A port and a home of the test's own: a developer's server on 8080 is left alone.
const PORT = 18_480;
const home = tempDir("promotor-trino-");
const env: NodeJS.ProcessEnv = { ...process.env, PROMOTOR_TRINO_HOME: home, PROMOTOR_ENGINE: "" };
const local: TrinoSettings = { ...TRINO_DEFAULTS, port: PORT, password: undefined, tls: false };

/** One CLI run; a run killed for time says so in its error output, with how long it ran (a
 * failure message then shows a timeout, not only an exit code). */
const promotor = async (args: string[], extra: NodeJS.ProcessEnv = {}, timeoutMs = 120_000) => {
  const started = performance.now();
  const run = await runChild(process.execPath, [cli, ...args], { timeoutMs, env: { ...env, ...extra }, cwd: projectRoot });
  if (run.timedOut) run.err += `\n[promotor ${args.join(" ")}: killed after ${Math.round((performance.now() - started) / 1000)} s, its time limit]`;
  return run;
};

/** When a file was loaded or a case event recorded differs between two loads of it, and says
 * nothing of the data. */
const LOAD_TIMES = ["ingested_at", "quarantined_at", "imported_at", "events_through"];

/** The same commands on DuckDB (a warehouse) and on Trino (a journal and the schema `trinoEnv`
 * names): each dataset ingested, built, case events imported, built again. */
async function bothEngines(duckdbWarehouse: string, journal: string, steps: readonly string[][], trinoEnv: NodeJS.ProcessEnv): Promise<void> {
  const runs: [string[], NodeJS.ProcessEnv][] = [
    ...steps.map((step): [string[], NodeJS.ProcessEnv] => [["--warehouse", duckdbWarehouse, ...step], {}]),
    ...steps.map((step): [string[], NodeJS.ProcessEnv] => [["--engine", "trino", "--warehouse", journal, ...step], trinoEnv]),
  ];
  for (const [args, extra] of runs) {
    const run = await promotor(args, extra, 900_000);
    if (run.code !== 0) throw new Error(`promotor ${args.join(" ")} failed (exit ${run.code}):\n${(run.out + run.err).slice(-4000)}`);
  }
}

/** Every relation of the project (src/engine/relations.ts) compared between the DuckDB file and
 * the Trino schema. */
async function compareAll(duck: DuckDBConnection, t: TrinoSettings): Promise<RelationParity[]> {
  const results: RelationParity[] = new Array(ALL_RELATIONS.length);
  // Three relations at a time: each waits mostly on Trino's client protocol.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ALL_RELATIONS.length) {
      const i = next++;
      const [relation, key] = ALL_RELATIONS[i]!;
      const [schema, table] = relation.split(".");
      results[i] = await compareRelation(duck, t, relation, `${t.catalog}.${t.schema}_${schema}.${table}`, key, { ignore: LOAD_TIMES });
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return results;
}

/** Listening sockets on a port, from /proc/net/tcp and tcp6 (state 0A = LISTEN): their local
 * addresses in hex, as the kernel writes them. */
function listeners(port: number): string[] {
  const found: string[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? "").split(":");
      if (fields[3] === "0A" && portHex && parseInt(portHex, 16) === port) found.push(address!);
    }
  }
  return found;
}
/** 127.0.0.1 as /proc writes it (IPv4 little-endian, or IPv4-mapped IPv6) or ::1. */
const isLoopback = (hex: string): boolean => hex === "0100007F" || hex === "0000000000000000FFFF00000100007F" || hex === "00000000000000000000000001000000";

/** The semantic layer on the DuckDB file and on the Trino schema, with and without rollups. */
async function bothLayers(duckdbWarehouse: string, t: TrinoSettings) {
  const [duck, trino, duckRaw, trinoRaw] = await Promise.all([
    createSemanticLayer({ warehouse: duckdbWarehouse }),
    createSemanticLayer({ warehouse: "", trino: t }),
    createSemanticLayer({ warehouse: duckdbWarehouse, preAggregations: false }),
    createSemanticLayer({ warehouse: "", trino: t, preAggregations: false }),
  ]);
  return {
    duck,
    trino,
    duckRaw,
    trinoRaw,
    async close(): Promise<void> {
      for (const layer of [duck, trino, duckRaw, trinoRaw]) await layer.close();
    },
  };
}

/** The in-process layer's rollup tables on the test's server (Cube's server keeps its own). */
const layerRollups = async (): Promise<number> =>
  Number((await trinoQuery(local, "SELECT count(*) AS n FROM iceberg.information_schema.tables WHERE table_schema = 'promotor_layer_rollups' AND table_name LIKE 'layer\\_\\_%' ESCAPE '\\'", { withoutSchema: true }))[0]?.["n"]);

const timed = async <T>(f: () => Promise<T>): Promise<{ error: PromotorError; seconds: number }> => {
  const started = performance.now();
  try {
    await f();
  } catch (error) {
    expect(error).toBeInstanceOf(PromotorError);
    return { error: error as PromotorError, seconds: (performance.now() - started) / 1000 };
  }
  throw new Error("expected a failure");
};

describe("promotor trino start|status|stop", () => {
  let startOutput = "";

  beforeAll(async () => {
    // The first start on a fresh machine fetches about 820 MB with Maven and unpacks it.
    const run = await promotor(["trino", "start", "--port", String(PORT), "--heap", "2G", "--timeout", "180"], {}, 25 * 60_000);
    startOutput = run.out + run.err;
    if (run.code !== 0) throw new Error(`promotor trino start failed (exit ${run.code}${run.timedOut ? ", timed out" : ""}):\n${startOutput.slice(-3000)}`);
  }, 26 * 60_000);

  afterAll(async () => {
    await promotor(["trino", "stop"]);
  }, 120_000);

  it("starts Trino 476 ready for queries, on the loopback address only", async () => {
    expect(startOutput).toMatch(new RegExp(`Trino 476 is ready on 127\\.0\\.0\\.1:${PORT} after [\\d.]+ s \\(catalog iceberg, schema promotor; loopback only\\)`));
    const sockets = listeners(PORT);
    expect(sockets.length).toBeGreaterThan(0);
    expect(sockets.filter((s) => !isLoopback(s))).toEqual([]);
    // Its configuration says so too, and carries no password anywhere.
    const etc = join(home, "etc");
    expect(readFileSync(join(etc, "node.properties"), "utf8")).toContain("node.bind-ip=127.0.0.1");
    for (const file of readdirSync(etc, { recursive: true }).map(String)) {
      if (file.endsWith(".properties")) expect(readFileSync(join(etc, file), "utf8")).not.toMatch(/password/i);
    }
  });

  it("a second start finds the running server; status shows it ready", async () => {
    const again = await promotor(["trino", "start", "--port", String(PORT)]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(new RegExp(`Trino 476 is already running on 127\\.0\\.0\\.1:${PORT}`));
    const status = await promotor(["trino", "status"], { PROMOTOR_ENGINE: "trino" });
    // The status finds the port the server was started with (etc/config.properties).
    expect(status.out).toMatch(new RegExp(`local server\\s+running on 127\\.0\\.0\\.1:${PORT}, pid \\d+, Trino 476, ready`));
  });

  it("holds Iceberg tables on local disk: create, insert, read back with exact values", async () => {
    await trinoQuery(local, "DROP TABLE IF EXISTS probe");
    await trinoQuery(local, "CREATE TABLE probe (response_id varchar, answered_at timestamp(6), recommend_score integer, revenue decimal(18, 2))");
    await trinoQuery(local, "INSERT INTO probe VALUES ('r1', TIMESTAMP '2024-01-02 03:04:05.123456', 9, DECIMAL '1200.50'), ('r2', TIMESTAMP '2024-01-02 03:04:05.123456', 3, NULL)");
    const rows = await trinoQuery(local, "SELECT response_id, CAST(answered_at AS varchar) AS at, recommend_score, CAST(revenue AS varchar) AS revenue FROM probe ORDER BY response_id");
    expect(rows).toEqual([
      { response_id: "r1", at: "2024-01-02 03:04:05.123456", recommend_score: 9, revenue: "1200.50" },
      { response_id: "r2", at: "2024-01-02 03:04:05.123456", recommend_score: 3, revenue: null },
    ]);
    const [format] = await trinoQuery(local, `SELECT count(*) AS files FROM "probe$files" WHERE file_format = 'PARQUET'`);
    expect(Number(format?.["files"])).toBeGreaterThan(0);
    expect(existsSync(join(home, "warehouse", "metastore", "promotor"))).toBe(true);
    expect((await checkTrino(local)).tables).toBeGreaterThanOrEqual(1);
    await trinoQuery(local, "DROP TABLE probe");
  });

  it("faults fail within seconds with the host, the cause and the fix", async () => {
    const unreachable = await timed(() => checkTrino({ ...local, port: 1 }));
    expect(unreachable.seconds).toBeLessThan(5);
    expect(unreachable.error.describe()).toMatch(/Trino at http:\/\/127\.0\.0\.1:1 \(iceberg\.promotor, user promotor\) is unreachable \(ECONNREFUSED\)\n {2}fix: start the local server: promotor trino start/);

    const catalog = await timed(() => checkTrino({ ...local, catalog: "lakehouse" }));
    expect(catalog.seconds).toBeLessThan(10);
    expect(catalog.error.describe()).toMatch(/has no catalog "lakehouse"[\s\S]*fix: set trino\.catalog in promotor\.yaml/);

    const schema = await timed(() => checkTrino({ ...local, schema: "no_such_schema" }));
    expect(schema.seconds).toBeLessThan(10);
    expect(schema.error.describe()).toMatch(/has no schema "iceberg\.no_such_schema"[\s\S]*fix: create it \(CREATE SCHEMA iceberg\.no_such_schema\)/);

    // This server has no authentication: a password over plain HTTP is refused, as a secured
    // server refuses a wrong one.
    const credentials = await timed(() => checkTrino({ ...local, password: "not-the-password" }));
    expect(credentials.seconds).toBeLessThan(10);
    expect(credentials.error.describe()).toMatch(/refused the credentials of user promotor[\s\S]*PROMOTOR_TRINO_PASSWORD/);

    const slow = await timed(() =>
      trinoQuery(local, "SELECT count(*) FROM UNNEST(sequence(1, 10000)) a CROSS JOIN UNNEST(sequence(1, 10000)) b CROSS JOIN UNNEST(sequence(1, 10000)) c", { timeoutSeconds: 2 }),
    );
    expect(slow.seconds).toBeLessThan(6);
    expect(slow.error.describe()).toMatch(/did not answer within 2 s[\s\S]*fix: raise trino\.query_timeout/);
    // The timed-out query is cancelled on the server, not left running.
    let running = 1;
    for (let i = 0; i < 40 && running > 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const [row] = await trinoQuery(local, "SELECT count(*) AS n FROM system.runtime.queries WHERE state IN ('RUNNING', 'QUEUED', 'PLANNING') AND query LIKE '%sequence(1, 10000)) c'");
      running = Number(row?.["n"] ?? 0);
    }
    expect(running).toBe(0);
  });

  it("status with the Trino engine checks the configured server: a fault is reported with exit 2", async () => {
    // The engine's server is promotor.yaml's (none here: 127.0.0.1:8080), not this test's: on a
    // machine without a server there, status says it is unreachable and exits 2; with a
    // developer's server there, it counts its tables. Either way it answers, never hangs.
    const run = await promotor(["trino", "status"], { PROMOTOR_ENGINE: "trino" }, 30_000);
    expect(run.timedOut).toBe(false);
    if (run.code === 0) expect(run.out).toMatch(/engine\s+trino: http:\/\/127\.0\.0\.1:8080 \(iceberg\.promotor, user promotor\), \d+ tables/);
    else {
      expect(run.code).toBe(2);
      expect(run.out).toMatch(/engine\s+trino: Trino at http:\/\/127\.0\.0\.1:8080 \(iceberg\.promotor, user promotor\) (is unreachable|has no schema)/);
    }
  });

  describe("the same exports on both engines (issue 25, point 4)", () => {
    const scratch = tempDir("promotor-parity-");
    const duckdbWarehouse = join(scratch, "duckdb.duckdb");
    const journal = join(scratch, "journal.duckdb");
    const sample = join(projectRoot, "seeds", "sample");
    const onTrino = { PROMOTOR_TRINO_PORT: String(PORT) };
    const trinoCount = async (table: string): Promise<number> => Number((await trinoQuery(local, `SELECT count(*) AS n FROM iceberg.promotor_raw.${table}`, { withoutSchema: true }))[0]?.["n"]);

    // What npm start does: the survey exports, the customer ledger, the invitations, a build,
    // the follow-up's case events (checked against the cases as each engine built them), a build.
    const seeds = join(projectRoot, "seeds");
    const steps = [
      ["ingest", sample],
      ["ingest", "--dataset", "customers", join(seeds, "crm")],
      ["ingest", "--dataset", "invitations", join(seeds, "invitations")],
      ["build"],
      ["cases", "import", join(seeds, "follow-up", "case-events.csv")],
      ["build"],
    ];

    beforeAll(async () => {
      await bothEngines(duckdbWarehouse, journal, steps, onTrino);
    }, 25 * 60_000);

    it("raw data on Iceberg holds every loaded row, and each file's count reconciles there", async () => {
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const [responses] = await queryRows(db.connection, "SELECT count(*) AS n FROM raw.responses");
        const [quarantined] = await queryRows(db.connection, "SELECT count(*) AS n FROM raw.quarantine");
        expect(await trinoCount("responses")).toBe(Number(responses?.["n"]));
        expect(await trinoCount("quarantine")).toBe(Number(quarantined?.["n"]));
      } finally {
        db.close();
      }
      const files = await trinoQuery(
        local,
        `SELECT source_file, dataset, rows_read, rows_loaded, rows_quarantined, rows_duplicate,
           CASE dataset WHEN 'responses' THEN (SELECT count(*) FROM iceberg.promotor_raw.responses r WHERE r._ingestion_id = i.ingestion_id)
             WHEN 'customers' THEN (SELECT count(*) FROM iceberg.promotor_raw.customers r WHERE r._ingestion_id = i.ingestion_id)
             WHEN 'invitations' THEN (SELECT count(*) FROM iceberg.promotor_raw.invitations r WHERE r._ingestion_id = i.ingestion_id) END AS rows_there
         FROM iceberg.promotor_raw.ingestions i ORDER BY ingestion_id`,
        { withoutSchema: true },
      );
      // 3 survey exports, 4 ledger exports, 1 distribution history.
      expect(files.map((f) => f["dataset"])).toEqual(["responses", "responses", "responses", "customers", "customers", "customers", "customers", "invitations"]);
      for (const f of files) {
        expect(Number(f["rows_read"]), String(f["source_file"])).toBe(Number(f["rows_loaded"]) + Number(f["rows_quarantined"]) + Number(f["rows_duplicate"]));
        expect(Number(f["rows_there"]), String(f["source_file"])).toBe(Number(f["rows_loaded"]));
      }
      // The case events, as the import recorded them.
      const db2 = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const [events] = await queryRows(db2.connection, "SELECT count(*) AS n FROM raw.case_events");
        expect(Number(events?.["n"])).toBeGreaterThan(3000);
        expect(await trinoCount("case_events")).toBe(Number(events?.["n"]));
      } finally {
        db2.close();
      }
    });

    it("every row of every relation of the project equals DuckDB's: answers, customers, invitations, cases", async () => {
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const results = await compareAll(db.connection, local);
        expect(describeDifferences(results)).toBe("");
        // Compared something: the sample's answers, all of them.
        expect(results.find((r) => r.relation === "marts.fct_nps_responses")?.rows).toBeGreaterThan(6000);
        expect(results.every((r) => r.rows > 0)).toBe(true);
      } finally {
        db.close();
      }
    });

    it("every question of the bench, the pages and the charts gets DuckDB's answer through the semantic layer on Trino: rollups on and off, executive and business unit", async () => {
      const questions = layerQuestions();
      const layers = await bothLayers(duckdbWarehouse, local);
      try {
        const { duck, trino, duckRaw, trinoRaw } = layers;
        const executive = await compareLayers(duck, trino, questions);
        // Without rollups for a business unit: one scope per page source (the others differ only
        // in a grouping column), every bench and chart question.
        const firstScopes = questions.filter((q) => !/^source [a-z_]+ \(/.test(q.id) || questions.find((o) => o.id.startsWith(q.id.split(" (")[0]! + " ("))?.id === q.id);
        const unit = await compareLayers(duckRaw, trinoRaw, firstScopes, { role: "business_unit", business_unit: "schade" });
        expect([...executive, ...unit].flatMap((q) => q.differences).join("\n")).toBe("");
        // Compared something: every page source, chart and bench question, most with rows.
        expect(questions.length).toBeGreaterThan(70);
        expect(executive.filter((q) => q.rows > 0).length).toBeGreaterThan(questions.length - 5);
        expect(unit.reduce((n, q) => n + q.rows, 0)).toBeLessThan(executive.reduce((n, q) => n + q.rows, 0));
        // Rollups served on Trino too, as Iceberg tables in <schema>_layer_rollups.
        const served = await trino.load({ measures: ["nps.score"], dimensions: ["nps.touchpoint"] });
        expect(served.preAggregation).toBe("nps_responses.nps_by_touchpoint_month");
        expect(served.sql).toMatch(/"iceberg"\."promotor_layer_rollups"\."layer__nps_responses_nps_by_touchpoint_month_[0-9a-f]{8}_[0-9a-f]{8}"/);
      } finally {
        await layers.close();
      }
    });

    it("promotor --engine trino query and charts answer as on DuckDB; rollup tables are Iceberg tables, reused by a later process", async () => {
      const question = JSON.stringify({ measures: ["nps.score", "nps.responses"], dimensions: ["nps.touchpoint"], order: { "nps.touchpoint": "asc" } });
      const onDuck = await promotor(["--warehouse", duckdbWarehouse, "query", question]);
      const onTrinoRun = await promotor(["--engine", "trino", "--warehouse", journal, "query", question], onTrino);
      expect(onTrinoRun.code, onTrinoRun.err).toBe(0);
      expect(onTrinoRun.out).toBe(onDuck.out);
      expect(onTrinoRun.err).toMatch(/7 rows · from pre-aggregation nps_responses\.nps_by_touchpoint_month/);
      const before = await layerRollups();
      expect(before).toBeGreaterThan(0);
      expect((await promotor(["--engine", "trino", "--warehouse", journal, "query", question], onTrino)).out).toBe(onDuck.out);
      expect(await layerRollups()).toBe(before);
      // Static charts from Trino: the same SVG files, byte for byte.
      const [duckCharts, trinoCharts] = [join(tempDir("promotor-charts-duckdb-"), "out"), join(tempDir("promotor-charts-trino-"), "out")];
      expect((await promotor(["--warehouse", duckdbWarehouse, "charts", "--out", duckCharts])).code).toBe(0);
      const charts = await promotor(["--engine", "trino", "--warehouse", journal, "charts", "--out", trinoCharts], onTrino);
      expect(charts.code, charts.err).toBe(0);
      const svgs = readdirSync(duckCharts).filter((f) => f.endsWith(".svg"));
      expect(svgs.length).toBeGreaterThan(3);
      for (const file of svgs) expect(readFileSync(join(trinoCharts, file), "utf8"), file).toBe(readFileSync(join(duckCharts, file), "utf8"));
      // (A build drops them: the restart test's completing build below.)
    });

    it("Cube's own server with Cube's Trino driver: rollups built by Cube's orchestrator on Trino, DuckDB's answers, row-level security, 403 without a token", async () => {
      const secret = "cube-trino-test-secret-0123456789abcdef";
      const saved = process.env["CUBEJS_API_SECRET"];
      process.env["CUBEJS_API_SECRET"] = secret;
      const cube = createCubeServer(await serverConfig({ snapshotPath: "", trino: local }, { CUBEJS_API_SECRET: secret, CUBEJS_LOG_LEVEL: "error" }));
      const duck = await createSemanticLayer({ warehouse: duckdbWarehouse, preAggregations: false });
      try {
        expect(await cube.core.options.dbType({ dataSource: "default" })).toBe("trino");
        const query = {
          measures: ["nps.responses", "nps.promoters", "nps.detractors"],
          dimensions: ["nps.touchpoint"],
          timeDimensions: [{ dimension: "nps.answered_at", granularity: "month" }],
          order: [["nps.answered_at", "asc"], ["nps.touchpoint", "asc"]],
        };
        const served = await restLoad(cube, issueToken({ role: "executive" }, { secret }).token, query);
        expect(served.error).toBeUndefined();
        expect(Object.keys(served.usedPreAggregations ?? {})).toEqual(["promotor_pre_aggregations.nps_responses_nps_by_touchpoint_month"]);
        const expected = (await duck.load(query as never)).data;
        const key = (r: Record<string, unknown>) => `${String(r["nps.answered_at.month"]).slice(0, 7)}|${String(r["nps.touchpoint"])}`;
        expect(served.rows!.map(key)).toEqual(expected.map(key));
        served.rows!.forEach((row, i) => {
          for (const m of query.measures) expect(Number(row[m]), `${m} ${key(row)}`).toBe(Number(expected[i]![m]));
        });
        const unit = await restLoad(cube, issueToken({ role: "business_unit", business_unit: "schade" }, { secret }).token, { measures: ["nps.responses"], dimensions: ["nps.business_unit"] });
        const schade = (await duck.load({ measures: ["nps.responses"], dimensions: ["nps.business_unit"], filters: [{ member: "nps.business_unit", operator: "equals", values: ["schade"] }] })).data;
        expect(unit.rows?.map((r) => [r["nps.business_unit"], Number(r["nps.responses"])])).toEqual([["schade", Number(schade[0]!["nps.responses"])]]);
        expect((await restLoad(cube, undefined, { measures: ["nps.responses"] })).status).toBe(403);
      } finally {
        await stopCube(cube);
        await duck.close();
        if (saved === undefined) delete process.env["CUBEJS_API_SECRET"];
        else process.env["CUBEJS_API_SECRET"] = saved;
      }
      // promotor --engine trino serve --check: the same configuration through the CLI.
      const check = await promotor(["--engine", "trino", "--warehouse", journal, "serve", "--check"], { ...onTrino, CUBEJS_API_SECRET: secret });
      expect(check.code, check.err).toBe(0);
      expect(check.out).toMatch(/data source type trino; \d+ views: [^;]*; 6\d{3} responses in the marts on http:\/\/127\.0\.0\.1:18480/);
    });

    it("pages and contacts on Trino: the pages' sources, run on a copy of Trino's marts, hold DuckDB's rows; contacts lists the same customers", async () => {
      const sourcesOf = (out: string): string => out.split("\n").filter((line) => /^promotor\.\w+\s+\d/.test(line)).join("\n");
      const duckCheck = await promotor(["--warehouse", duckdbWarehouse, "pages", "check", "--lang", "en"], {}, 600_000);
      expect(duckCheck.code, duckCheck.err).toBe(0);
      const trinoCheck = await promotor(["--engine", "trino", "--warehouse", journal, "pages", "check", "--lang", "en"], onTrino, 600_000);
      expect(trinoCheck.code, trinoCheck.out + trinoCheck.err).toBe(0);
      expect(trinoCheck.err).toMatch(/copied [\d,]+ rows of Trino's marts \(http:\/\/127\.0\.0\.1:18480 \(iceberg\.promotor, user promotor\)\) into .*journal\.pages\.duckdb for the pages/);
      expect(sourcesOf(trinoCheck.out).split("\n").length).toBeGreaterThan(30);
      expect(sourcesOf(trinoCheck.out)).toBe(sourcesOf(duckCheck.out));
      // Nothing built on Trino since: the copy is not made again.
      const again = await promotor(["--engine", "trino", "--warehouse", journal, "pages", "sources"], onTrino, 600_000);
      expect(again.code, again.err).toBe(0);
      expect(again.err).not.toMatch(/copied/);
      // contacts reads the journal's raw data and Trino's cases: the same customers held back.
      const out = tempDir("promotor-contacts-");
      const args = ["contacts", "eligible", "--survey", "relationship", "--on", "2026-11-01"];
      expect((await promotor(["--warehouse", duckdbWarehouse, ...args, "--out", join(out, "duckdb.csv")])).code).toBe(0);
      const contacts = await promotor(["--engine", "trino", "--warehouse", journal, ...args, "--out", join(out, "trino.csv")], onTrino);
      expect(contacts.code, contacts.err).toBe(0);
      for (const [d, t] of [["duckdb.csv", "trino.csv"], ["duckdb-held-back.csv", "trino-held-back.csv"]] as const) {
        expect(readFileSync(join(out, t), "utf8"), t).toBe(readFileSync(join(out, d), "utf8"));
      }
      expect(readFileSync(join(out, "trino-held-back.csv"), "utf8").split("\n").length).toBeGreaterThan(10);
    });

    it("status on Trino says what Trino holds: the ingestions, the raw rows, the marts", async () => {
      const run = await promotor(["--engine", "trino", "--warehouse", journal, "status"], onTrino);
      expect(run.code, run.err).toBe(0);
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const [n] = await queryRows(db.connection, "SELECT count(*) AS n FROM raw.responses");
        expect(run.out).toMatch(new RegExp(`raw\\.responses\\s+${Number(n?.["n"]).toLocaleString("en-US")} rows`));
      } finally {
        db.close();
      }
      expect(run.out).toMatch(/engine\s+trino: http:\/\/127\.0\.0\.1:18480 \(iceberg\.promotor, user promotor\)/);
      expect(run.out).toMatch(/ingestions\s+8; latest #8 at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(run.out).toMatch(/marts\s+\d+ in iceberg\.promotor_marts/);
    });

    it("the comparison finds a difference: one changed value is named with its table, key and both values", async () => {
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        await trinoQuery(local, "CREATE TABLE iceberg.promotor_marts.parity_probe AS SELECT * FROM iceberg.promotor_marts.dim_drivers", { withoutSchema: true });
        await trinoQuery(local, "UPDATE iceberg.promotor_marts.parity_probe SET driver_order = driver_order + 10 WHERE driver = 'process'", { withoutSchema: true });
        const result = await compareRelation(db.connection, local, "marts.dim_drivers", "iceberg.promotor_marts.parity_probe", ["driver"]);
        expect(describeDifferences([result])).toMatch(/^marts\.dim_drivers \["process"\] driver_order: duckdb \d+, trino \d+$/);
      } finally {
        db.close();
        await trinoQuery(local, "DROP TABLE IF EXISTS iceberg.promotor_marts.parity_probe", { withoutSchema: true });
      }
    });

    it("quarantine list says the same on both engines", async () => {
      const onDuckdb = await promotor(["--warehouse", duckdbWarehouse, "quarantine", "list", "--rows"]);
      const onTrinoRun = await promotor(["--engine", "trino", "--warehouse", journal, "quarantine", "list", "--rows"], onTrino);
      expect(onTrinoRun.code).toBe(0);
      const body = (out: string): string => out.replace(/\/[^\s]*\.duckdb/g, "<warehouse>").replace(/\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?/g, "<time>");
      expect(body(onTrinoRun.out)).toBe(body(onDuckdb.out));
      expect(onTrinoRun.out).toContain("recommend_score 11 is outside the 0–10 scale");
    });

    it("ingesting the same files again publishes nothing new (idempotent on both engines)", async () => {
      const before = await trinoCount("responses");
      const run = await promotor(["--engine", "trino", "--warehouse", journal, "ingest", sample], onTrino, 300_000);
      expect(run.code).toBe(0);
      expect(run.err).toMatch(/published to iceberg\.promotor_raw on 127\.0\.0\.1:18480 through ingestion #8: nothing new/);
      expect(await trinoCount("responses")).toBe(before);
    });

    it("a Trino restart in the middle of a build fails it within seconds with the cause, and the next build completes it", async () => {
      const build = spawn(process.execPath, [cli, "--engine", "trino", "--warehouse", journal, "build"], { env: { ...env, ...onTrino }, cwd: projectRoot, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      const exited = new Promise<number | null>((resolve) => build.on("close", resolve));
      build.stdout.on("data", (c: Buffer) => (output += c.toString()));
      build.stderr.on("data", (c: Buffer) => (output += c.toString()));
      // Stop the server once dbt has built a model (mid-build).
      for (let i = 0; i < 600 && !/ OK created /.test(output); i++) await new Promise((r) => setTimeout(r, 100));
      expect(output).toMatch(/ OK created /);
      const stopped = performance.now();
      expect((await promotor(["trino", "stop"])).code).toBe(0);
      const code = await exited;
      expect((performance.now() - stopped) / 1000).toBeLessThan(30);
      expect(code).toBe(2);
      expect(output).toMatch(/Trino at http:\/\/127\.0\.0\.1:18480 \(iceberg\.promotor, user promotor\) stopped answering during the build \(\d+ models were built, \d+ nodes could not reach it\)\n {2}fix: start it again/);
      // A failure here shows the end of Trino's own log beside the command's output.
      const serverLog = (): string => {
        const file = localTrinoPaths(projectRoot, env).serverLog;
        return existsSync(file) ? `\n--- ${file}, last lines:\n${readFileSync(file, "utf8").split("\n").slice(-40).join("\n")}` : "";
      };
      const restart = await promotor(["trino", "start", "--port", String(PORT), "--heap", "2G", "--timeout", "180"], {}, 300_000);
      expect(restart.code, restart.out + restart.err + serverLog()).toBe(0);
      const again = await promotor(["--engine", "trino", "--warehouse", journal, "build"], onTrino, 900_000);
      expect(again.code, again.out + again.err + serverLog()).toBe(0);
      // The marts are new: the layer's rollups of the old ones (the query test's) are dropped.
      expect(again.err).toMatch(/dropping \d+ rollup tables? of an earlier build from iceberg\.promotor_layer_rollups … dropped in \d+\.\d s\n/);
      expect(await layerRollups()).toBe(0);
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const result = await compareRelation(db.connection, local, "marts.fct_nps_responses", "iceberg.promotor_marts.fct_nps_responses", ["response_id"]);
        expect(describeDifferences([result])).toBe("");
        expect(result.rows).toBeGreaterThan(6000);
      } finally {
        db.close();
      }
    }, 25 * 60_000);

    it("rows left by a publish that failed half-way are removed by the next one", async () => {
      const before = await trinoCount("responses");
      // A publish that appended its rows and died before raw.ingestions listed them.
      await trinoQuery(local, "INSERT INTO iceberg.promotor_raw.responses (response_id, answered_at, survey_type, recommend_score, _ingestion_id, _source_file, _source_row) VALUES ('orphan-1', TIMESTAMP '2026-01-01 00:00:00', 'relationship', 9, 99, 'died.csv', 1)", { withoutSchema: true });
      const run = await promotor(["--engine", "trino", "--warehouse", journal, "ingest", sample], onTrino, 300_000);
      expect(run.code).toBe(0);
      expect(run.err).toContain("removed 1 rows of an earlier publish that did not finish");
      expect(await trinoCount("responses")).toBe(before);
    });
  });

  describe("200,000 generated answers with the awkward cases, on both engines (issue 25, point 4)", () => {
    const scratch = tempDir("promotor-parity-large-");
    const duckdbWarehouse = join(scratch, "duckdb.duckdb");
    const journal = join(scratch, "journal.duckdb");
    const generated = join(scratch, "generated");
    const awkward = join(scratch, "awkward.csv");
    // A schema of its own: a Trino schema belongs to one journal.
    const large = { PROMOTOR_TRINO_PORT: String(PORT), PROMOTOR_TRINO_SCHEMA: "promotor_large" };
    const settings: TrinoSettings = { ...local, schema: "promotor_large" };

    beforeAll(async () => {
      // 200,000 answers with 1,000 bad rows of every kind (bad scores and timestamps, missing
      // ids, conflicting and exact duplicates: docs/generate.md) ...
      const gen = await promotor(["generate", "--responses", "200000", "--out", generated, "--bad-rows", "0.005", "--quiet"]);
      if (gen.code !== 0) throw new Error(gen.out + gen.err);
      // ... and a second export of every hundredth answer again under another id, with another
      // score: half at a touchpoint the journey map does not know, half at the very same time
      // as the customer's first answer (a tie in time).
      const scratchDb = await openWarehouse(join(scratch, "scratch.duckdb"));
      try {
        await scratchDb.connection.run(`COPY (
          SELECT 'A' || response_id AS response_id, customer_id, answered_at,
            CASE WHEN (n / 100) % 2 = 0 THEN 'touchpoint' ELSE survey_type END AS survey_type,
            CASE WHEN (n / 100) % 2 = 0 THEN 'chatbot' ELSE touchpoint END AS touchpoint,
            channel, language, segment, business_unit, account_manager,
            (CAST(recommend_score AS INTEGER) + 3) % 11 AS recommend_score, recommend_reason,
            driver_process, driver_product_price, driver_reputation_image, driver_emotional_engagement,
            krs_satisfaction, krs_trust, krs_love, csat, ces
          FROM (SELECT *, row_number() OVER () AS n FROM read_csv('${join(generated, "responses.csv")}', all_varchar = true)
                WHERE response_id IS NOT NULL AND try_cast(recommend_score AS INTEGER) BETWEEN 0 AND 10)
          WHERE n % 100 = 0) TO '${awkward}' (HEADER)`);
      } finally {
        scratchDb.close();
      }
      await bothEngines(duckdbWarehouse, journal, [["ingest", generated, awkward], ["build"]], large);
    }, 25 * 60_000);

    it("every row of every relation of the project equals DuckDB's, awkward cases included", async () => {
      const db = await openWarehouse(duckdbWarehouse, { readOnly: true });
      try {
        const results = await compareAll(db.connection, settings);
        expect(describeDifferences(results)).toBe("");
        const rows = (name: string): number => results.find((r) => r.relation === name)?.rows ?? 0;
        // What was compared: every loaded answer, the unknown touchpoint among them, the quarantine.
        expect(rows("marts.fct_nps_responses")).toBeGreaterThan(200_000);
        expect(rows("marts.fct_driver_ratings")).toBeGreaterThan(400_000);
        expect(rows("staging.stg_survey__quarantine")).toBeGreaterThan(800);
        const [chatbot] = await queryRows(db.connection, "SELECT count(*) AS n FROM marts.fct_nps_responses WHERE touchpoint = 'chatbot'");
        expect(Number(chatbot?.["n"])).toBeGreaterThan(900);
      } finally {
        db.close();
      }
    });

    it("every bench question gets DuckDB's answer through the semantic layer on Trino, with and without rollups", async () => {
      const bench = layerQuestions().filter((q) => q.id.startsWith("bench "));
      const layers = await bothLayers(duckdbWarehouse, settings);
      try {
        const { duck, trino, duckRaw, trinoRaw } = layers;
        const results = [...(await compareLayers(duck, trino, bench)), ...(await compareLayers(duckRaw, trinoRaw, bench))];
        expect(results.flatMap((q) => q.differences).join("\n")).toBe("");
        expect(bench.length).toBeGreaterThan(5);
        expect(results.every((q) => q.rows > 0)).toBe(true);
      } finally {
        await layers.close();
      }
    });

    it("publishes through a staging location of its own, as for a Trino on another machine: the Parquet files there, the rows in Iceberg", async () => {
      const stagingDir = join(localTrinoPaths(projectRoot, env).warehouse, "shared-staging");
      const staged = join(scratch, "staged-journal.duckdb");
      const run = await promotor(["--engine", "trino", "--warehouse", staged, "ingest", join(projectRoot, "tests", "fixtures", "hand-counted.csv")], {
        PROMOTOR_TRINO_PORT: String(PORT),
        PROMOTOR_TRINO_SCHEMA: "promotor_staged",
        PROMOTOR_TRINO_STAGING_DIR: stagingDir,
        PROMOTOR_TRINO_STAGING_URI: "local:///shared-staging",
      });
      expect(run.code, run.err).toBe(0);
      expect(readdirSync(stagingDir, { recursive: true }).some((f) => String(f).endsWith(".parquet"))).toBe(true);
      const db = await openWarehouse(staged, { readOnly: true });
      try {
        const [loaded] = await queryRows(db.connection, "SELECT count(*) AS n FROM raw.responses");
        expect(Number(loaded?.["n"])).toBeGreaterThan(0);
        const [there] = await trinoQuery(local, "SELECT count(*) AS n FROM iceberg.promotor_staged_raw.responses", { withoutSchema: true });
        expect(Number(there?.["n"])).toBe(Number(loaded?.["n"]));
      } finally {
        db.close();
      }
    });

    it("a second journal cannot publish into a schema that holds another journal's data", async () => {
      const other = join(scratch, "other-journal.duckdb");
      const run = await promotor(["--engine", "trino", "--warehouse", other, "ingest", join(projectRoot, "tests", "fixtures", "hand-counted.csv")], large);
      expect(run.code).toBe(2);
      expect(run.err).toMatch(/iceberg\.promotor_large_raw on 127\.0\.0\.1:18480 holds data published from another journal \([0-9a-f-]{36}\), not from this one\n[\s\S]*fix: publish each journal into its own schema/);
      // Refused before the journal changed: it holds nothing it could not publish.
      expect(existsSync(other)).toBe(false);
      const [n] = await trinoQuery(settings, "SELECT count(*) AS n FROM iceberg.promotor_large_raw.ingestions", { withoutSchema: true });
      expect(Number(n?.["n"])).toBe(2);
    });
  });

  it("stop stops it: the port no longer answers, status says stopped", async () => {
    const stop = await promotor(["trino", "stop"]);
    expect(stop.code).toBe(0);
    expect(stop.out).toContain("Stopped the local Trino.");
    expect(listeners(PORT)).toEqual([]);
    const status = await promotor(["trino", "status"]);
    expect(status.out).toMatch(/local server\s+stopped/);
    const again = await promotor(["trino", "stop"]);
    expect(again.out).toContain("No local Trino was running.");
  });
});
