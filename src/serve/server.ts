/** Runs CubejsServer over a warehouse snapshot and swaps to a fresh snapshot after a rebuild. */
import { join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { serverConfig, type ServePorts } from "./config.ts";
import { removeSnapshots, takeSnapshot, warehouseStamp, type Snapshot } from "./snapshot.ts";

interface CubejsServerLike {
  listen(): Promise<{ port: number }>;
  close(): Promise<void>;
}

export interface RunningServer {
  ports: ServePorts;
  snapshot: Snapshot;
  /** Resolves when the server has stopped. */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  root: string;
  warehouse: string;
  ports: ServePorts;
  /** Check for a rebuilt warehouse this often (ms); 0 = never. */
  reloadIntervalMs: number;
  log: (line: string) => void;
}

async function startCube(snapshot: Snapshot, ports: ServePorts): Promise<CubejsServerLike> {
  const config = await serverConfig({ snapshotPath: snapshot.path, ports });
  // CubejsServer reads the REST port from PORT when it listens.
  process.env["PORT"] = String(ports.api);
  process.env["CUBEJS_TELEMETRY"] ??= "false";
  const { CubejsServer } = (await import("@cubejs-backend/server")) as unknown as {
    CubejsServer: new (config: Record<string, unknown>) => CubejsServerLike;
  };
  const server = new CubejsServer(config);
  try {
    await server.listen();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const inUse = /EADDRINUSE/.test(message);
    throw new PromotorError(`the Cube server did not start: ${message}`, {
      cause: error,
      hint: inUse ? `port ${ports.api} or ${ports.sql} is taken: choose others with --port / --sql-port` : "see the message above",
    });
  }
  return server;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const dir = join(options.root, ".promotor", "serve");
  let snapshot = await takeSnapshot(options.warehouse, dir);
  removeSnapshots(dir, snapshot.path);
  let server = await startCube(snapshot, options.ports);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let busy = false;
  const timer =
    options.reloadIntervalMs > 0
      ? setInterval(() => {
          if (busy || warehouseStamp(options.warehouse) === snapshot.stamp) return;
          busy = true;
          void (async () => {
            try {
              const next = await takeSnapshot(options.warehouse, dir);
              options.log(`warehouse rebuilt: restarting the Cube server on the new data (${next.takenAt.toISOString()})`);
              await server.close();
              server = await startCube(next, options.ports);
              snapshot = next;
              removeSnapshots(dir, snapshot.path);
            } catch (error) {
              // A build still writing holds the lock: keep serving the old snapshot, try again later.
              options.log(`reload postponed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
            } finally {
              busy = false;
            }
          })();
        }, options.reloadIntervalMs)
      : undefined;
  const running: RunningServer = {
    ports: options.ports,
    get snapshot() {
      return snapshot;
    },
    stopped,
    async stop() {
      if (timer) clearInterval(timer);
      try {
        await server.close();
      } finally {
        removeSnapshots(dir);
        resolveStopped();
      }
    },
  };
  return running;
}
