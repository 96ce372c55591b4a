/** Runs Cube's server over a warehouse snapshot and swaps to a fresh snapshot after a rebuild. */
import { join } from "node:path";
import { PromotorError } from "../lib/errors.ts";
import { serverConfig, type ServePorts } from "./config.ts";
import { createCubeServer, listenCube, stopCube, type CubeServer } from "./cube.ts";
import { describeTrino, type TrinoSettings } from "../engine/settings.ts";
import { removeSnapshots, takeSnapshot, warehouseStamp, type Snapshot } from "./snapshot.ts";

export interface RunningServer {
  host: string;
  ports: ServePorts;
  /** The REST API's actual address and port (the port differs from ports.api when that was 0). */
  address: string;
  apiPort: number;
  /** The Cube server now serving (it changes with every reload). */
  cube: CubeServer;
  snapshot: Snapshot;
  /** How many times the server was restarted on a rebuilt warehouse. */
  reloads: number;
  /** Resolves when the server has stopped. */
  stopped: Promise<void>;
  /** Restarts on a fresh snapshot now if the warehouse changed; resolves true when it did. */
  reloadIfChanged(): Promise<boolean>;
  stop(): Promise<void>;
}

export interface ServeOptions {
  root: string;
  warehouse: string;
  /** Serve Trino's marts (no snapshot: Trino's tables are read live; rollups refresh on Cube's
   * refresh keys). */
  trino?: TrinoSettings;
  host: string;
  ports: ServePorts;
  /** Start the SQL API on ports.sql. */
  sqlApi: boolean;
  corsOrigins?: string[];
  /** Check for a rebuilt warehouse this often (ms); 0 = never. */
  reloadIntervalMs: number;
  log: (line: string) => void;
}

/** Runs a query through the driver Cube builds from the configuration: proves the snapshot is
 * attached and the marts are visible (Cube's driver skips a failing initSql with a log line). */
export async function probeWarehouse(cube: CubeServer, trino?: TrinoSettings): Promise<number> {
  const driver = await cube.core.resolveDriver({ dataSource: "default", preAggregations: false });
  try {
    const rows = await driver.query(`SELECT count(*) AS n FROM ${trino ? `"${trino.catalog}"."${trino.schema}_marts".` : "marts."}fct_nps_responses`);
    return Number(rows[0]?.["n"] ?? 0);
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    if (trino) {
      throw new PromotorError(`Cube's Trino driver cannot read ${trino.catalog}.${trino.schema}_marts on ${describeTrino(trino)}: ${cause.split("\n")[0]}`, {
        cause: error,
        hint: "is Trino running (promotor trino status) and built (promotor --engine trino build)?",
      });
    }
    throw new PromotorError(`Cube's DuckDB driver cannot read the warehouse snapshot: ${cause}`, {
      cause: error,
      hint: "is the warehouse built (promotor build)? The server reads marts.fct_nps_responses and the other marts",
    });
  } finally {
    await driver.release();
  }
}

/** Cube's server on a snapshot, checked (the driver reads the marts) but not yet listening. */
async function prepareCube(snapshot: Snapshot, options: ServeOptions): Promise<CubeServer> {
  process.env["CUBEJS_TELEMETRY"] ??= "false";
  const config = await serverConfig({ snapshotPath: snapshot.path, host: options.host, corsOrigins: options.corsOrigins ?? [], ...(options.trino ? { trino: options.trino } : {}) });
  const cube = createCubeServer(config);
  try {
    await probeWarehouse(cube, options.trino);
  } catch (error) {
    await stopCube(cube).catch(() => undefined);
    throw error;
  }
  return cube;
}

async function listenPrepared(cube: CubeServer, options: ServeOptions): Promise<{ cube: CubeServer; apiPort: number; address: string }> {
  try {
    const { host, port } = await listenCube(cube, { host: options.host, port: options.ports.api, ...(options.sqlApi ? { sqlPort: options.ports.sql } : {}) });
    return { cube, apiPort: port, address: host };
  } catch (error) {
    await stopCube(cube).catch(() => undefined);
    if (error instanceof PromotorError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new PromotorError(`the Cube server did not start: ${message}`, {
      cause: error,
      hint: /EADDRINUSE/.test(message) ? `port ${options.ports.sql} is taken: choose another with --sql-port` : "see the message above",
    });
  }
}

const startCube = async (snapshot: Snapshot, options: ServeOptions) => listenPrepared(await prepareCube(snapshot, options), options);

/** On Trino: no snapshot to take or watch; what the server reads is Trino's. */
async function serveTrino(options: ServeOptions & { trino: TrinoSettings }): Promise<RunningServer> {
  const live: Snapshot = { path: describeTrino(options.trino), stamp: "trino", takenAt: new Date() };
  const current = await startCube(live, options);
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping = false;
  return {
    host: options.host,
    ports: options.ports,
    address: current.address,
    apiPort: current.apiPort,
    cube: current.cube,
    snapshot: live,
    reloads: 0,
    stopped,
    reloadIfChanged: async () => false,
    async stop() {
      if (stopping) return stopped;
      stopping = true;
      try {
        await stopCube(current.cube);
      } finally {
        resolveStopped();
      }
    },
  };
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  if (options.trino) return serveTrino({ ...options, trino: options.trino });
  const dir = join(options.root, ".promotor", "serve");
  let snapshot = await takeSnapshot(options.warehouse, dir);
  removeSnapshots(dir, snapshot.path);
  let current: { cube: CubeServer; apiPort: number; address: string };
  try {
    current = await startCube(snapshot, options);
  } catch (error) {
    removeSnapshots(dir);
    throw error;
  }
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let busy: Promise<boolean> | undefined;
  let stopping = false;
  let reloads = 0;

  /** The warehouse stamp whose snapshot could not be served: not retried until it changes. */
  let unservable: string | undefined;
  const reload = async (): Promise<boolean> => {
    const stamp = warehouseStamp(options.warehouse);
    if (stopping || stamp === snapshot.stamp || stamp === unservable) return false;
    let next: Snapshot;
    try {
      next = await takeSnapshot(options.warehouse, dir);
    } catch (error) {
      // A build still writing holds the lock: keep serving the old snapshot, try again later.
      options.log(`reload postponed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      return false;
    }
    // Check the new data before stopping anything: a broken rebuild never takes the server down.
    let prepared: CubeServer;
    try {
      prepared = await prepareCube(next, options);
    } catch (error) {
      unservable = next.stamp;
      removeSnapshots(dir, snapshot.path);
      options.log(`reload failed, serving the previous data again: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      return false;
    }
    options.log(`warehouse rebuilt: restarting the Cube server on the new data (${next.takenAt.toISOString()})`);
    // The same port again (it may have been chosen by the system: --port 0).
    const same = { ...options, ports: { ...options.ports, api: current.apiPort } };
    await stopCube(current.cube);
    try {
      current = await listenPrepared(prepared, same);
      snapshot = next;
      unservable = undefined;
      reloads++;
    } catch (error) {
      options.log(`reload failed, serving the previous data again: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
      current = await startCube(snapshot, same);
    } finally {
      removeSnapshots(dir, snapshot.path);
    }
    return snapshot === next;
  };
  const reloadOnce = (): Promise<boolean> => {
    busy ??= reload().finally(() => (busy = undefined));
    return busy;
  };

  const timer =
    options.reloadIntervalMs > 0
      ? setInterval(() => {
          if (!busy) void reloadOnce().catch((error: unknown) => options.log(`reload failed: ${error instanceof Error ? error.message : String(error)}`));
        }, options.reloadIntervalMs)
      : undefined;
  timer?.unref();

  return {
    host: options.host,
    ports: options.ports,
    get address() {
      return current.address;
    },
    get apiPort() {
      return current.apiPort;
    },
    get cube() {
      return current.cube;
    },
    get snapshot() {
      return snapshot;
    },
    get reloads() {
      return reloads;
    },
    stopped,
    reloadIfChanged: reloadOnce,
    async stop() {
      if (stopping) return stopped;
      stopping = true;
      if (timer) clearInterval(timer);
      try {
        await busy?.catch(() => undefined);
        await stopCube(current.cube);
      } finally {
        removeSnapshots(dir);
        resolveStopped();
      }
    },
  };
}
