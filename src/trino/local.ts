/** A local single-node Trino for development, tests and CI (`promotor trino start|stop|status`):
 * Trino 476 from Maven coordinates (io.trino:trino-server:476, tar.gz) unpacked once into the
 * cache (outside git), the Temurin 25 JDK it needs, an Iceberg catalog with a file metastore on
 * local disk under .promotor/trino/, and the HTTP server bound to 127.0.0.1 only: nothing outside
 * the machine reaches it, so it needs no password (and ships none). Trino's own launcher runs
 * it as a daemon (pid file, logs in .promotor/trino/data/var/log/). */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runChild } from "../lib/child.ts";
import { PromotorError } from "../lib/errors.ts";
import { cacheRoot } from "../lib/paths.ts";

export const TRINO_VERSION = "476";
export const TRINO_ARTIFACT = `io.trino:trino-server:${TRINO_VERSION}:tar.gz`;
/** Trino 476 runs on Java 24 or later; the machine image has Temurin 25 here. */
export const TRINO_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64";
const MIN_JAVA = 24;

export interface LocalTrinoPaths {
  /** The unpacked server (shared cache: one copy per machine). */
  install: string;
  /** This project's server: etc (configuration), data (node data, logs, pid), warehouse (Iceberg). */
  home: string;
  etc: string;
  data: string;
  warehouse: string;
  serverLog: string;
  launcherLog: string;
}

export function localTrinoPaths(root: string, env: NodeJS.ProcessEnv = process.env): LocalTrinoPaths {
  const home = env["PROMOTOR_TRINO_HOME"] || join(root, ".promotor", "trino");
  const data = join(home, "data");
  return {
    install: join(cacheRoot(env), "trino", `trino-server-${TRINO_VERSION}`),
    home,
    etc: join(home, "etc"),
    data,
    warehouse: join(home, "warehouse"),
    serverLog: join(data, "var", "log", "server.log"),
    launcherLog: join(data, "var", "log", "launcher.log"),
  };
}

/** The JDK for Trino: PROMOTOR_TRINO_JAVA_HOME, else the image's Temurin 25, else JAVA_HOME; it
 * must be Java 24 or later. */
export function trinoJavaHome(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env["PROMOTOR_TRINO_JAVA_HOME"], TRINO_JAVA_HOME, env["JAVA_HOME"]].filter((c): c is string => !!c);
  const tried: string[] = [];
  for (const home of candidates) {
    const java = join(home, "bin", "java");
    if (!existsSync(java)) {
      tried.push(`${home} (no bin/java)`);
      continue;
    }
    // `java -version` writes to stderr.
    const probe = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 10_000 });
    const version = `${probe.stdout ?? ""}${probe.stderr ?? ""}`;
    const major = /version "(\d+)/.exec(version)?.[1];
    if (major && Number(major) >= MIN_JAVA) return home;
    tried.push(`${home} (Java ${major ?? "?"})`);
  }
  throw new PromotorError(`Trino ${TRINO_VERSION} needs Java ${MIN_JAVA} or later; none found: ${tried.join(", ") || "no JDK named"}`, {
    hint: `install a JDK ${MIN_JAVA}+ and set PROMOTOR_TRINO_JAVA_HOME to it (this machine image has Temurin 25 at ${TRINO_JAVA_HOME})`,
    exitCode: 3,
  });
}

/** Unpacks Trino into the cache, fetching it by Maven coordinates first (once per machine). */
export async function ensureTrinoInstalled(paths: LocalTrinoPaths, log: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (existsSync(join(paths.install, "bin", "launcher"))) return;
  const parent = join(paths.install, "..");
  mkdirSync(parent, { recursive: true });
  const tarball = join(parent, `trino-server-${TRINO_VERSION}.tar.gz`);
  if (!existsSync(tarball)) {
    log(`fetching Trino ${TRINO_VERSION} (${TRINO_ARTIFACT}, about 820 MB) with Maven into ${parent} …`);
    const mvn = await runChild("mvn", ["-q", "-B", "dependency:copy", `-Dartifact=${TRINO_ARTIFACT}`, `-DoutputDirectory=${parent}`], { timeoutMs: 20 * 60_000, env });
    if (mvn.code !== 0 || !existsSync(tarball)) {
      const why = mvn.timedOut ? "Maven did not finish within 20 minutes" : `${(mvn.out + mvn.err).trim().split("\n").slice(-6).join("\n")}`;
      throw new PromotorError(`could not fetch ${TRINO_ARTIFACT}: ${why || `mvn exited with ${mvn.code}`}`, {
        hint: `check that mvn reaches Maven Central (mvn -v; ~/.m2/settings.xml), or put trino-server-${TRINO_VERSION}.tar.gz into ${parent}`,
        exitCode: 3,
      });
    }
  }
  log(`unpacking ${tarball} …`);
  const partial = `${paths.install}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const tar = await runChild("tar", ["-xzf", tarball, "-C", partial, "--strip-components=1"], { timeoutMs: 10 * 60_000 });
  if (tar.code !== 0 || !existsSync(join(partial, "bin", "launcher"))) {
    rmSync(partial, { recursive: true, force: true });
    throw new PromotorError(`could not unpack ${tarball}: ${tar.timedOut ? "tar took over 10 minutes" : tar.err.trim() || `tar exited with ${tar.code}`}`, {
      hint: `remove ${tarball} (it may be incomplete) and run promotor trino start again; check free disk space (df -h)`,
    });
  }
  // Renamed into place only when whole: an interrupted unpack is never taken for an install.
  rmSync(paths.install, { recursive: true, force: true });
  renameSync(partial, paths.install);
  rmSync(tarball, { force: true });
}

export interface LocalTrinoOptions {
  port: number;
  /** JVM heap (-Xmx); the Iceberg catalog and a 10M-response build fit in 3 GB. */
  heap: string;
}

/** The memory one query may use on the local server: a third of the heap, at least 1 GB. */
function queryMemory(heap: string): string {
  const m = /^(\d+)([MG])$/.exec(heap);
  const heapMb = m ? Number(m[1]) * (m[2] === "G" ? 1024 : 1) : 3072;
  return `${Math.max(1024, Math.floor(heapMb / 3))}MB`;
}

/** Writes the server's configuration (every start: a port change takes effect). */
export function writeTrinoConfig(paths: LocalTrinoPaths, options: LocalTrinoOptions): void {
  mkdirSync(join(paths.etc, "catalog"), { recursive: true });
  mkdirSync(paths.data, { recursive: true });
  mkdirSync(paths.warehouse, { recursive: true });
  const perQuery = queryMemory(options.heap);
  const files: Record<string, string[]> = {
    "node.properties": [
      "node.environment=promotor",
      "node.id=promotor-local",
      `node.data-dir=${paths.data}`,
      // Loopback only: the HTTP server binds to this address, so nothing outside the machine
      // reaches the server (it has no authentication).
      "node.bind-ip=127.0.0.1",
      "node.internal-address=127.0.0.1",
    ],
    "jvm.config": [
      "-server",
      `-Xmx${options.heap}`,
      "-XX:+UseG1GC",
      "-XX:G1HeapRegionSize=32M",
      "-XX:+ExplicitGCInvokesConcurrent",
      "-XX:+ExitOnOutOfMemoryError",
      "-XX:-OmitStackTraceInFastThrow",
      "-XX:ReservedCodeCacheSize=256M",
      "-XX:PerMethodRecompilationCutoff=10000",
      "-XX:PerBytecodeRecompilationCutoff=10000",
      "-Djdk.attach.allowAttachSelf=true",
      "-Djdk.nio.maxCachedBufferSize=2000000",
      "-Dfile.encoding=UTF-8",
      "-XX:+EnableDynamicAgentLoading",
    ],
    "config.properties": [
      "coordinator=true",
      "node-scheduler.include-coordinator=true",
      `http-server.http.port=${options.port}`,
      `discovery.uri=http://127.0.0.1:${options.port}`,
      // A third of the heap per query, at least 1 GB; beyond it joins, aggregations and sorts
      // spill to the data folder instead of failing (10M answers: the pages' copy of fct_cases).
      `query.max-memory=${perQuery}`,
      `query.max-memory-per-node=${perQuery}`,
      "spill-enabled=true",
      `spiller-spill-path=${join(paths.data, "spill")}`,
      // Two cores: a small task count keeps a build's many small queries quick.
      "task.concurrency=2",
    ],
    "log.properties": ["io.trino=INFO"],
    "catalog/iceberg.properties": [
      "connector.name=iceberg",
      // Iceberg's file metastore: the catalog's table list as files beside the data, no
      // metastore service to run. Trino names it "testing": right for a development server,
      // while a data team's Trino brings its own REST, Hive or Glue catalog (docs/trino.md).
      "iceberg.catalog.type=testing_file_metastore",
      "hive.metastore.catalog.dir=local:///metastore",
      "fs.native-local.enabled=true",
      `local.location=${paths.warehouse}`,
      "iceberg.file-format=PARQUET",
      // Ingest commits Parquet files that DuckDB validated and wrote into a table in one
      // Iceberg snapshot (ALTER TABLE ... EXECUTE add_files): rows that were never parsed by
      // Trino, exactly as DuckDB typed them.
      "iceberg.add-files-procedure.enabled=true",
    ],
  };
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(paths.etc, name), lines.join("\n") + "\n");
}

/** The port the local server was last configured with (etc/config.properties), if any. */
export function configuredPort(paths: LocalTrinoPaths): number | null {
  const file = join(paths.etc, "config.properties");
  if (!existsSync(file)) return null;
  const m = /^http-server\.http\.port=(\d+)$/m.exec(readFileSync(file, "utf8"));
  return m ? Number(m[1]) : null;
}

export interface LauncherResult {
  running: boolean;
  pid: number | null;
  text: string;
}

async function launcher(paths: LocalTrinoPaths, command: "start" | "stop" | "status" | "kill", env: NodeJS.ProcessEnv): Promise<{ code: number | null; text: string; timedOut: boolean }> {
  const javaHome = trinoJavaHome(env);
  const run = await runChild(join(paths.install, "bin", "launcher"), [command, `--etc-dir=${paths.etc}`, `--data-dir=${paths.data}`], {
    timeoutMs: command === "stop" ? 60_000 : 30_000,
    env: { ...env, JAVA_HOME: javaHome, PATH: `${join(javaHome, "bin")}:${env["PATH"] ?? ""}` },
  });
  return { code: run.code, text: (run.out + run.err).trim(), timedOut: run.timedOut };
}

/** Whether the launcher's daemon is alive (pid file and process), without asking Trino. */
export async function launcherStatus(paths: LocalTrinoPaths, env: NodeJS.ProcessEnv = process.env): Promise<LauncherResult> {
  if (!existsSync(join(paths.install, "bin", "launcher"))) return { running: false, pid: null, text: "not installed" };
  const pidFile = join(paths.data, "var", "run", "launcher.pid");
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) || null : null;
  const run = await launcher(paths, "status", env);
  // The launcher exits 0 when running, 3 when not (LSB).
  return { running: run.code === 0, pid: run.code === 0 ? pid : null, text: run.text };
}

export interface ServerInfo {
  starting: boolean;
  version: string;
  uptime: string;
}

/** GET /v1/info, giving up after `timeoutMs`; null when nothing answers. */
export async function serverInfo(host: string, port: number, timeoutMs = 2000, tls = false): Promise<ServerInfo | null> {
  try {
    const response = await fetch(`${tls ? "https" : "http"}://${host}:${port}/v1/info`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return null;
    const body = (await response.json()) as { starting?: boolean; nodeVersion?: { version?: string }; uptime?: string };
    return { starting: body.starting !== false, version: body.nodeVersion?.version ?? "?", uptime: body.uptime ?? "?" };
  } catch {
    return null;
  }
}

const lastLines = (file: string, n: number): string => (existsSync(file) ? readFileSync(file, "utf8").trimEnd().split("\n").slice(-n).join("\n") : `(no ${file})`);

/** Starts the local server and waits until it accepts queries; on timeout stops it and shows the
 * end of its log. Returns how long it took. */
export async function startLocalTrino(paths: LocalTrinoPaths, options: LocalTrinoOptions & { readyTimeoutMs: number; log: (line: string) => void }, env: NodeJS.ProcessEnv = process.env): Promise<{ alreadyRunning: boolean; readyMs: number; info: ServerInfo }> {
  const started = performance.now();
  const before = await launcherStatus(paths, env);
  if (before.running) {
    const info = await serverInfo("127.0.0.1", options.port);
    if (info && !info.starting) return { alreadyRunning: true, readyMs: 0, info };
    if (!info) {
      throw new PromotorError(`a local Trino is running (pid ${before.pid ?? "?"}) but does not answer on 127.0.0.1:${options.port}`, {
        hint: `it may use another port: promotor trino stop, then promotor trino start --port ${options.port}`,
      });
    }
  } else {
    const busy = await serverInfo("127.0.0.1", options.port, 1000);
    if (busy) {
      throw new PromotorError(`port ${options.port} is taken by another Trino (${busy.version}) that promotor did not start`, {
        hint: `stop that server, or use another port: promotor trino start --port 18080 (and trino.port in promotor.yaml)`,
      });
    }
    writeTrinoConfig(paths, options);
    const run = await launcher(paths, "start", env);
    if (run.code !== 0) {
      throw new PromotorError(`Trino's launcher could not start the server: ${run.text.split("\n").slice(-4).join(" ") || `exit ${run.code}`}`, {
        hint: `see ${paths.launcherLog}`,
      });
    }
  }
  const deadline = started + options.readyTimeoutMs;
  let info: ServerInfo | null = null;
  while (performance.now() < deadline) {
    info = await serverInfo("127.0.0.1", options.port, 1000);
    if (info && !info.starting) return { alreadyRunning: before.running, readyMs: performance.now() - started, info };
    const alive = await launcherStatus(paths, env);
    if (!alive.running) {
      throw new PromotorError(`Trino stopped while starting:\n${lastLines(paths.serverLog, 12)}\n${lastLines(paths.launcherLog, 6)}`, {
        hint: `read ${paths.serverLog} (the first ERROR names the cause: a port in use, too little memory for -Xmx${options.heap}, a bad catalog setting)`,
      });
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await launcher(paths, "kill", env);
  throw new PromotorError(`Trino did not become ready on 127.0.0.1:${options.port} within ${Math.round(options.readyTimeoutMs / 1000)} s (stopped it):\n${lastLines(paths.serverLog, 12)}`, {
    hint: `read ${paths.serverLog}; on a busy machine give it longer: promotor trino start --timeout 180`,
  });
}

/** Stops the local server (graceful, then killed by the launcher); false when none ran. */
export async function stopLocalTrino(paths: LocalTrinoPaths, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const status = await launcherStatus(paths, env);
  if (!status.running) return false;
  const run = await launcher(paths, "stop", env);
  if (run.code !== 0 || run.timedOut) {
    const kill = await launcher(paths, "kill", env);
    if (kill.code !== 0) throw new PromotorError(`could not stop the local Trino (pid ${status.pid ?? "?"}): ${kill.text || run.text}`, { hint: `kill ${status.pid ?? "<pid>"} by hand` });
  }
  return true;
}
