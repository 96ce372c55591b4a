import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { PromotorError } from "../../lib/errors.ts";
import { table } from "../../lib/format.ts";
import { resolvePorts } from "../../serve/config.ts";
import { nativeMissingError, probeCubeNative } from "../../serve/native.ts";
import { serve } from "../../serve/server.ts";
import { apiSecret } from "../../token/token.ts";
import type { Command } from "../command.ts";

export const serveCommand: Command = {
  name: "serve",
  summary: "Cube REST API (default port 4000) and SQL API (Postgres protocol, default 15432) over the warehouse",
  usage: "serve [--port 4000] [--sql-port 15432] [--no-reload] [--check]",
  async run(args, ctx) {
    let values: { port?: string; "sql-port"?: string; "no-reload"?: boolean; "reload-interval"?: string; check?: boolean };
    try {
      ({ values } = parseArgs({
        args,
        options: { port: { type: "string" }, "sql-port": { type: "string" }, "no-reload": { type: "boolean" }, "reload-interval": { type: "string" }, check: { type: "boolean" } },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new PromotorError(error instanceof Error ? error.message : String(error), { hint: `promotor ${serveCommand.usage}` });
    }
    const ports = resolvePorts({ port: values.port, sqlPort: values["sql-port"] });
    // The missing native module is this machine's normal case: say so first and fast.
    const probe = await probeCubeNative();
    if (!probe.available) throw nativeMissingError(probe);
    if (!existsSync(ctx.warehouse)) {
      throw new PromotorError(`warehouse not found: ${ctx.warehouse}`, { hint: "build it first: promotor ingest seeds/sample && promotor build" });
    }
    apiSecret();
    if (values.check) {
      // npm start: report whether the server could start, without starting it.
      ctx.stdout.write(`Cube server can start here: native module ${probe.version ?? ""} loaded; ports ${ports.api} (REST) and ${ports.sql} (SQL).\n`);
      return 0;
    }
    const reloadSeconds = values["reload-interval"] === undefined ? 10 : Number(values["reload-interval"]);
    if (!(reloadSeconds >= 1)) throw new PromotorError("--reload-interval is in seconds, at least 1", { hint: "e.g. --reload-interval 30" });
    const running = await serve({
      root: ctx.root,
      warehouse: ctx.warehouse,
      ports,
      reloadIntervalMs: values["no-reload"] ? 0 : reloadSeconds * 1000,
      log: (line) => ctx.stderr.write(`promotor serve: ${line}\n`),
    });
    ctx.stdout.write(
      table(
        ["endpoint", "address"],
        [
          ["REST API", `http://localhost:${ports.api}/cubejs-api/v1`],
          ["SQL API (Postgres)", `postgresql://<CUBEJS_SQL_USER>@localhost:${ports.sql}/promotor`],
          ["warehouse (snapshot)", ctx.warehouse],
        ],
      ) + "\nTokens: promotor token --role executive   ·   stop with Ctrl+C\n",
    );
    const stop = (): void => void running.stop();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    await running.stopped;
    return 0;
  },
};
