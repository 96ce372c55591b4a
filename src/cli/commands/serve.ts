import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { errorMessage, PromotorError } from "../../lib/errors.ts";
import { table } from "../../lib/format.ts";
import { isLoopback, openHostWarning, requireServerSecret, resolveCorsOrigins, resolveHost, resolvePorts, resolveSqlApi } from "../../serve/config.ts";
import { checkServer } from "../../serve/check.ts";
import { nativeMissingError, probeCubeNative, type NativeProbe } from "../../serve/native.ts";
import { serve } from "../../serve/server.ts";
import type { Command } from "../command.ts";
import { describeTrino } from "../../engine/settings.ts";

const nativeLine = (probe: NativeProbe): string =>
  probe.available
    ? `native module: @cubejs-backend/native ${probe.version ?? ""} loaded`
    : `native module: @cubejs-backend/native ${probe.version ?? ""} missing (${probe.detail ?? "not loadable"}); promotor serve needs it for query results and the SQL API`;

export const serveCommand: Command = {
  name: "serve",
  summary: "Cube REST API (default 127.0.0.1:4000) and SQL API (Postgres protocol, 15432) over the warehouse",
  usage: "serve [--host 127.0.0.1] [--port 4000] [--sql-port 15432] [--no-sql-api] [--cors-origin URL,...] [--reload-interval 10] [--no-reload] [--check]",
  async run(args, ctx) {
    let values: {
      host?: string;
      port?: string;
      "sql-port"?: string;
      "no-sql-api"?: boolean;
      "cors-origin"?: string;
      "no-reload"?: boolean;
      "reload-interval"?: string;
      check?: boolean;
    };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          host: { type: "string" },
          port: { type: "string" },
          "sql-port": { type: "string" },
          "no-sql-api": { type: "boolean" },
          "cors-origin": { type: "string" },
          "no-reload": { type: "boolean" },
          "reload-interval": { type: "string" },
          check: { type: "boolean" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new PromotorError(error instanceof Error ? error.message : String(error), { hint: `promotor ${serveCommand.usage}` });
    }
    const ports = resolvePorts({ port: values.port, sqlPort: values["sql-port"] });
    const host = resolveHost(values.host);
    const corsOrigins = resolveCorsOrigins(values["cors-origin"]);
    const reloadSeconds = values["reload-interval"] === undefined ? 10 : Number(values["reload-interval"]);
    if (!(reloadSeconds >= 1)) throw new PromotorError("--reload-interval is in seconds, at least 1", { hint: "e.g. --reload-interval 30" });

    if (values.check) {
      // npm start: the whole configuration through Cube's own classes, without listening.
      const probe = await probeCubeNative();
      ctx.stdout.write(`${nativeLine(probe)}\n`);
      try {
        const sqlApi = resolveSqlApi({ noSqlApi: values["no-sql-api"], sqlPortGiven: values["sql-port"] !== undefined });
        const report = await checkServer({ warehouse: ctx.warehouse, host, corsOrigins, ...(ctx.trino ? { trino: ctx.trino } : {}) });
        ctx.stdout.write(
          [
            `configuration: valid (Cube ${report.cubeVersion} accepted it; data source type ${report.dbType}; ${report.views.length} views: ${report.views.join(", ")}; ${report.responses} responses in the ${ctx.trino ? `marts on ${describeTrino(ctx.trino)}` : "warehouse"})`,
            `REST API: would listen on http://${host}:${ports.api}/cubejs-api/v1${isLoopback(host) ? " (this machine only)" : ` (warning: ${openHostWarning(host)})`}`,
            `SQL API: ${sqlApi.enabled ? `would listen on port ${ports.sql}` : `off: ${sqlApi.reason}`}`,
            `CORS: ${corsOrigins.length ? corsOrigins.join(", ") : "no cross-origin browser access (set --cors-origin for intranet embeds)"}`,
            probe.available ? "promotor serve can start here." : "promotor serve cannot start here until the native module is installed (see above); the configuration itself is valid.",
          ].join("\n") + "\n",
        );
      } catch (error) {
        ctx.stderr.write(`promotor serve --check: the server configuration is not valid: ${errorMessage(error)}\n`);
        return error instanceof PromotorError ? error.exitCode : 1;
      }
      return 0;
    }

    // The missing native module is this machine's normal case: say so first and fast.
    const probe = await probeCubeNative();
    if (!probe.available) throw nativeMissingError(probe);
    if (!ctx.trino && !existsSync(ctx.warehouse)) {
      throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "build it first: promotor ingest seeds/sample && promotor build" });
    }
    requireServerSecret(process.env, host);
    const sqlApi = resolveSqlApi({ noSqlApi: values["no-sql-api"], sqlPortGiven: values["sql-port"] !== undefined });
    const log = (line: string): void => void ctx.stderr.write(`promotor serve: ${line}\n`);
    const warning = openHostWarning(host);
    if (warning) log(`warning: ${warning}`);
    if (!sqlApi.enabled) log(`SQL API off: ${sqlApi.reason}`);
    else log(`warning: Cube's SQL API (its native module) listens on every interface, whatever --host says: allow port ${ports.sql} only from trusted machines in the firewall, or run with --no-sql-api`);
    const running = await serve({
      root: ctx.root,
      warehouse: ctx.warehouse,
      ...(ctx.trino ? { trino: ctx.trino } : {}),
      host,
      ports,
      sqlApi: sqlApi.enabled,
      corsOrigins,
      reloadIntervalMs: values["no-reload"] ? 0 : reloadSeconds * 1000,
      log,
    });
    const shown = host.includes(":") ? `[${host}]` : host;
    ctx.stdout.write(
      table(
        ["endpoint", "address"],
        [
          ["REST API", `http://${shown}:${running.apiPort}/cubejs-api/v1`],
          ["SQL API (Postgres)", sqlApi.enabled ? `postgresql://<CUBEJS_SQL_USER>@${shown}:${ports.sql}/promotor` : "off"],
          ["CORS origins", corsOrigins.length ? corsOrigins.join(", ") : "none"],
          ctx.trino ? ["warehouse (Trino)", describeTrino(ctx.trino)] : ["warehouse (snapshot)", ctx.warehouse],
        ],
      ) + "\nTokens: promotor token --role executive   ·   stop with Ctrl+C\n",
    );
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log(`${signal}: stopping`);
      running.stop().catch((error: unknown) => log(`stop failed: ${errorMessage(error)}`));
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
    try {
      await running.stopped;
    } finally {
      for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(signal, stop);
    }
    return 0;
  },
};
