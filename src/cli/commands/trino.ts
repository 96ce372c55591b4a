import { describeTrino, readTrinoSettings, resolveEngine, type TrinoSettings } from "../../engine/settings.ts";
import { PromotorError, errorMessage } from "../../lib/errors.ts";
import { table } from "../../lib/format.ts";
import { checkTrino, trinoQuery } from "../../trino/client.ts";
import { configuredPort, ensureTrinoInstalled, launcherStatus, localTrinoPaths, serverInfo, startLocalTrino, stopLocalTrino, TRINO_VERSION } from "../../trino/local.ts";
import type { Command } from "../command.ts";

const USAGE = "trino start [--port 8080] [--heap 3G] [--timeout 120] | trino stop | trino status";

function options(args: string[], allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i]!.replace(/^--/, "");
    if (!args[i]!.startsWith("--") || !allowed.includes(name)) throw new PromotorError(`trino: unknown argument "${args[i]}"`, { hint: `promotor ${USAGE}`, exitCode: 2 });
    const value = args[++i];
    if (value === undefined) throw new PromotorError(`trino: --${name} needs a value`, { hint: `promotor ${USAGE}`, exitCode: 2 });
    values.set(name, value);
  }
  return values;
}

/** The local server's settings: promotor.yaml's trino section (whatever the engine), with the
 * local server's host. */
function localSettings(root: string, port?: number): TrinoSettings {
  return { ...readTrinoSettings(root), host: "127.0.0.1", ...(port !== undefined ? { port } : {}) };
}

export const trinoCommand: Command = {
  name: "trino",
  summary: "a local single-node Trino 476 with an Iceberg catalog, for the Trino engine (development, tests, CI)",
  usage: USAGE,
  async run(args, ctx) {
    const [action, ...rest] = args;
    const paths = localTrinoPaths(ctx.root);
    const log = (line: string): void => void ctx.stderr.write(line + "\n");
    switch (action) {
      case "start": {
        const o = options(rest, ["port", "heap", "timeout"]);
        const port = o.has("port") ? Number(o.get("port")) : localSettings(ctx.root).port;
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PromotorError(`--port must be a port number, got ${o.get("port")}`, { exitCode: 2 });
        const heap = o.get("heap") ?? "3G";
        if (!/^\d+[MG]$/.test(heap)) throw new PromotorError(`--heap must be like 3G or 1500M, got ${heap}`, { exitCode: 2 });
        const timeout = Number(o.get("timeout") ?? 120);
        if (!(timeout > 0)) throw new PromotorError(`--timeout must be seconds, got ${o.get("timeout")}`, { exitCode: 2 });
        await ensureTrinoInstalled(paths, log);
        const started = await startLocalTrino(paths, { port, heap, readyTimeoutMs: timeout * 1000, log });
        const t = localSettings(ctx.root, port);
        // The schema Promotor writes to; CREATE SCHEMA is idempotent with IF NOT EXISTS.
        await trinoQuery(t, `CREATE SCHEMA IF NOT EXISTS ${t.catalog}.${t.schema}`, { withoutSchema: true, timeoutSeconds: 60 });
        ctx.stdout.write(
          started.alreadyRunning
            ? `Trino ${started.info.version} is already running on 127.0.0.1:${port} (up ${started.info.uptime}).\n`
            : `Trino ${started.info.version} is ready on 127.0.0.1:${port} after ${(started.readyMs / 1000).toFixed(1)} s (catalog ${t.catalog}, schema ${t.schema}; loopback only).\n` +
                `Logs: ${paths.serverLog}\nUse it: promotor --engine trino <command>, or engine: trino in promotor.yaml. Stop it: promotor trino stop\n`,
        );
        return 0;
      }
      case "stop": {
        options(rest, []);
        const stopped = await stopLocalTrino(paths);
        ctx.stdout.write(stopped ? "Stopped the local Trino.\n" : "No local Trino was running.\n");
        return 0;
      }
      case "status": {
        options(rest, []);
        const t = localSettings(ctx.root, configuredPort(paths) ?? undefined);
        const launcher = await launcherStatus(paths);
        const info = launcher.running ? await serverInfo("127.0.0.1", t.port) : null;
        const rows: [string, string][] = [
          ["install", launcher.text === "not installed" ? `not installed (promotor trino start fetches Trino ${TRINO_VERSION})` : paths.install],
          ["local server", launcher.running ? `running on 127.0.0.1:${t.port}, pid ${launcher.pid ?? "?"}${info ? `, Trino ${info.version}, ${info.starting ? "starting" : "ready"}, up ${info.uptime}` : `, not answering on 127.0.0.1:${t.port}`}` : "stopped"],
          ["iceberg data", paths.warehouse],
          ["logs", paths.serverLog],
        ];
        const engine = resolveEngine(ctx.root, undefined);
        let code = 0;
        if (engine.engine === "trino") {
          try {
            const { tables } = await checkTrino(engine.trino);
            rows.push(["engine", `trino: ${describeTrino(engine.trino)}, ${tables} tables`]);
          } catch (error) {
            rows.push(["engine", `trino: ${errorMessage(error).replace(/\n\s*/g, " ")}`]);
            code = 2;
          }
        } else rows.push(["engine", "duckdb (promotor.yaml engine:, PROMOTOR_ENGINE or --engine trino to use Trino)"]);
        ctx.stdout.write(table(["", ""], rows, { align: ["left", "left"] }) + "\n");
        return code;
      }
      default:
        throw new PromotorError(action ? `trino: unknown action "${action}"` : "trino needs an action", { hint: `promotor ${USAGE}`, exitCode: 2 });
    }
  },
};
