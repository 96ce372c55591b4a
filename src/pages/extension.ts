/** Can Evidence's DuckDB-WASM get its parquet extension? Evidence's sources step and page build
 * run DuckDB-WASM in Node, which downloads `parquet` from the extension repository the first time
 * a parquet file is read or written; offline that call blocks the process for ever
 * (evidence-dev/evidence#3155, #1690, #3135). So we ask first, with a short timeout. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const DEFAULT_EXTENSION_REPOSITORY = "https://extensions.duckdb.org";
/** Env var naming the extension repository (an intranet mirror) to probe instead. */
export const EXTENSION_REPOSITORY_ENV = "PROMOTOR_DUCKDB_EXTENSION_REPOSITORY";

export interface WasmBuild {
  /** @duckdb/duckdb-wasm package version. */
  packageVersion: string;
  /** DuckDB release inside it, e.g. v1.4.3: the folder of the extension repository. */
  duckdbVersion: string;
  /** Platform DuckDB-WASM reports in Node (wasm_eh with exception support, else wasm_mvp). */
  platform: string;
}

export interface ExtensionStatus {
  available: boolean;
  url: string;
  wasm: WasmBuild;
  /** Why not, for people. */
  reason?: string;
  elapsedMs: number;
}

/** DuckDB releases inside the DuckDB-WASM versions we have seen, used when asking the engine fails. */
const KNOWN_WASM: Record<string, string> = { "1.32.0": "v1.4.3", "1.29.0": "v1.1.3" };

/** Asks the installed DuckDB-WASM (in a child process, 20 s at most) for its version and platform. */
export function wasmBuild(root: string): WasmBuild {
  const require = createRequire(join(root, "package.json"));
  let pkgDir: string;
  try {
    pkgDir = dirname(dirname(require.resolve("@duckdb/duckdb-wasm")));
  } catch {
    return { packageVersion: "missing", duckdbVersion: "unknown", platform: "wasm_eh" };
  }
  const packageVersion = (JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
  const script = `
const w = require(${JSON.stringify(join(pkgDir, "dist", "duckdb-node-blocking.cjs"))});
const d = ${JSON.stringify(join(pkgDir, "dist"))};
(async () => {
  const db = await w.createDuckDB({ mvp: { mainModule: d + "/duckdb-mvp.wasm", mainWorker: d + "/duckdb-node-mvp.worker.cjs" },
    eh: { mainModule: d + "/duckdb-eh.wasm", mainWorker: d + "/duckdb-node-eh.worker.cjs" } }, new w.VoidLogger(), w.NODE_RUNTIME);
  await db.instantiate(); db.open({});
  const c = db.connect();
  const v = c.query("SELECT version() AS v").toArray()[0].toJSON().v;
  const p = c.query("PRAGMA platform").toArray()[0].toJSON().platform;
  process.stdout.write(JSON.stringify({ v, p }));
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e)); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
  if (r.status === 0) {
    try {
      const { v, p } = JSON.parse(r.stdout) as { v: string; p: string };
      return { packageVersion, duckdbVersion: v, platform: p };
    } catch {
      /* fall through */
    }
  }
  return { packageVersion, duckdbVersion: KNOWN_WASM[packageVersion] ?? "unknown", platform: "wasm_eh" };
}

export function extensionUrl(wasm: WasmBuild, repository: string = DEFAULT_EXTENSION_REPOSITORY, extension = "parquet"): string {
  return `${repository.replace(/\/+$/, "")}/${wasm.duckdbVersion}/${wasm.platform}/${extension}.duckdb_extension.wasm`;
}

/** HEAD request with a timeout: can the extension be fetched from here? Never waits longer than timeoutMs. */
export async function probeExtension(url: string, timeoutMs = 5_000): Promise<{ ok: boolean; reason?: string }> {
  try {
    const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
    if (response.ok) return { ok: true };
    return { ok: false, reason: `HTTP ${response.status} ${response.statusText}`.trim() };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    if (e.name === "TimeoutError" || e.name === "AbortError") return { ok: false, reason: `no answer within ${(timeoutMs / 1000).toFixed(0)} s` };
    return { ok: false, reason: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

export async function detectParquetExtension(root: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 5_000): Promise<ExtensionStatus> {
  const started = Date.now();
  const wasm = wasmBuild(root);
  const repository = env[EXTENSION_REPOSITORY_ENV] || DEFAULT_EXTENSION_REPOSITORY;
  const url = extensionUrl(wasm, repository);
  const probe = await probeExtension(url, timeoutMs);
  const status: ExtensionStatus = { available: probe.ok, url, wasm, elapsedMs: Date.now() - started };
  if (probe.reason) status.reason = probe.reason;
  return status;
}

/** The explanation printed when the extension cannot be fetched. */
export function explainMissingExtension(status: ExtensionStatus): string {
  return [
    `The Evidence build is skipped: DuckDB-WASM cannot fetch its parquet extension.`,
    `  missing artifact: ${status.url} (${status.reason ?? "unreachable"})`,
    `  why it matters:   Evidence's sources step and page build run DuckDB-WASM ${status.wasm.packageVersion} (DuckDB ${status.wasm.duckdbVersion}) in Node;`,
    `                    it downloads this file on first use and, without it, hangs instead of failing.`,
    `  what still works: promotor pages check (runs every page's SQL in DuckDB), the build stamp and the release index.`,
    `  fix:              build where ${new URL(status.url).host} is reachable, or serve a mirror of the extension repository`,
    `                    on the intranet and point DuckDB at it (docs/dashboards.md "Offline: an extension mirror";`,
    `                    set ${EXTENSION_REPOSITORY_ENV} to the mirror so this check probes it).`,
  ].join("\n");
}
