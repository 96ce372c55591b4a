/** DuckDB-WASM's parquet extension, which Evidence's sources step, its page build and every
 * viewer's browser need. Evidence runs DuckDB-WASM in Node, which downloads `parquet` from the
 * extension repository the first time a parquet file is read or written; offline that call
 * blocks the process for ever (evidence-dev/evidence#3155, #1690, #3135).
 *
 * So Promotor keeps the extension files in a local folder (.promotor/duckdb-extensions, filled by
 * `promotor pages extension --from DIR|URL`, default DuckDB's repository), serves that folder on
 * loopback to the Evidence build (our patch of @evidence-dev/universal-sql sets DuckDB's
 * custom_extension_repository from PROMOTOR_DUCKDB_EXTENSION_REPOSITORY) and copies it into every
 * release, whose pages load it from their own origin. DuckDB verifies each file's signature when
 * it loads it; nothing here disables that. */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize, resolve, sep } from "node:path";
import { runChild } from "../lib/child.ts";
import { PromotorError } from "../lib/errors.ts";

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
export function wasmBuild(_root?: string): WasmBuild {
  // DuckDB-WASM as installed with Promotor (Evidence's copy: one version in the lock file).
  const require = createRequire(import.meta.url);
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
    `  what still works: promotor pages check (compiles every page and runs its SQL in DuckDB), the build stamp and the release index.`,
    `  fix:              copy DuckDB's signed extension files into this project once, from a folder or a mirror:`,
    `                      promotor pages extension --from DIR|URL   (DIR laid out as ${status.wasm.duckdbVersion}/wasm_eh/parquet.duckdb_extension.wasm)`,
    `                    or set ${EXTENSION_REPOSITORY_ENV} to a reachable mirror (docs/dashboards.md, "Offline by design").`,
  ].join("\n");
}

/** Extensions the dashboards need, and the platforms browsers and Node use (wasm_eh: exception
 * handling, every current browser and Node; wasm_mvp: older browsers). */
export const EXTENSIONS = ["parquet"] as const;
export const PLATFORMS = ["wasm_eh", "wasm_mvp"] as const;

/** Env var naming another folder for the local copy (default .promotor/duckdb-extensions). */
export const EXTENSIONS_DIR_ENV = "PROMOTOR_DUCKDB_EXTENSIONS_DIR";

/** The project's local copy of the extension repository. */
export const extensionCacheDir = (root: string, env: NodeJS.ProcessEnv = process.env): string =>
  env[EXTENSIONS_DIR_ENV] || join(root, ".promotor", "duckdb-extensions");

const extensionFile = (dir: string, duckdbVersion: string, platform: string, extension: string): string =>
  join(dir, duckdbVersion, platform, `${extension}.duckdb_extension.wasm`);

/** Files of the local copy that are missing for this DuckDB-WASM. */
export function missingExtensionFiles(root: string, wasm: WasmBuild): string[] {
  const dir = extensionCacheDir(root);
  return PLATFORMS.flatMap((p) => EXTENSIONS.map((e) => extensionFile(dir, wasm.duckdbVersion, p, e))).filter((f) => !existsSync(f) || statSync(f).size === 0);
}

/** Reads one extension file from a folder (laid out <version>/<platform>/…, or <platform>/…) or
 * a repository URL; gives up on a URL after timeoutMs. */
async function readExtension(from: string, wasm: WasmBuild, platform: string, extension: string, timeoutMs: number): Promise<Buffer> {
  const name = `${extension}.duckdb_extension.wasm`;
  if (/^https?:\/\//.test(from)) {
    const url = `${from.replace(/\/+$/, "")}/${wasm.duckdbVersion}/${platform}/${name}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      const why = e.name === "TimeoutError" ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (e.cause?.code ?? e.message);
      throw new PromotorError(`cannot download ${url}: ${why}`, { hint: "name a reachable repository, or a folder holding the files: promotor pages extension --from DIR" });
    }
    if (!response.ok) throw new PromotorError(`cannot download ${url}: HTTP ${response.status}`, { hint: `the repository must be laid out as <repository>/${wasm.duckdbVersion}/${platform}/${name}` });
    return Buffer.from(await response.arrayBuffer());
  }
  const candidates = [join(from, wasm.duckdbVersion, platform, name), join(from, platform, name)];
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new PromotorError(`no ${name} for ${platform} in ${from}`, { hint: `lay the folder out as ${join(from, wasm.duckdbVersion, platform, name)}` });
  }
  return readFileSync(found);
}

export interface InstalledExtensions {
  dir: string;
  files: string[];
  wasm: WasmBuild;
}

/** Fills the local copy from a folder or repository URL, then has DuckDB-WASM load every file
 * (which checks its signature); a file DuckDB refuses is removed again and reported. */
export async function installExtensions(root: string, from: string, options: { timeoutMs?: number } = {}): Promise<InstalledExtensions> {
  const wasm = wasmBuild(root);
  const dir = extensionCacheDir(root);
  const files: string[] = [];
  for (const platform of PLATFORMS) {
    for (const extension of EXTENSIONS) {
      const bytes = await readExtension(from, wasm, platform, extension, options.timeoutMs ?? 60_000);
      const target = extensionFile(dir, wasm.duckdbVersion, platform, extension);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(`${target}.part`, bytes);
      renameSync(`${target}.part`, target);
      files.push(target);
    }
  }
  try {
    await verifyExtensions(root, wasm);
  } catch (error) {
    // A file DuckDB refuses must not be used by a later build.
    for (const f of files) rmSync(f, { force: true });
    throw error;
  }
  return { dir, files, wasm };
}

/** Serves the local copy on 127.0.0.1 (a free port) for DuckDB-WASM in Node. */
export async function serveExtensions(dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const base = resolve(dir);
  const server: Server = createServer((req, res) => {
    const target = normalize(join(base, decodeURIComponent((req.url ?? "/").split("?")[0]!)));
    if (!target.startsWith(base + sep) || !existsSync(target) || !statSync(target).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/wasm", "access-control-allow-origin": "*" });
    res.end(readFileSync(target));
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Loads parquet from the local copy in DuckDB-WASM under Node (a child process, 60 s at most):
 * DuckDB checks the signature, and a refused or unreadable file is named with the fix. */
export async function verifyExtensions(root: string, wasm: WasmBuild = wasmBuild(root), timeoutMs = 60_000): Promise<void> {
  const dir = extensionCacheDir(root);
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve("@duckdb/duckdb-wasm"));
  const served = await serveExtensions(dir);
  try {
    const script = `
const w = require(${JSON.stringify(join(dist, "duckdb-node-blocking.cjs"))});
const d = ${JSON.stringify(dist)};
(async () => {
  const db = await w.createDuckDB({ mvp: { mainModule: d + "/duckdb-mvp.wasm", mainWorker: d + "/duckdb-node-mvp.worker.cjs" },
    eh: { mainModule: d + "/duckdb-eh.wasm", mainWorker: d + "/duckdb-node-eh.worker.cjs" } }, new w.VoidLogger(), w.NODE_RUNTIME);
  await db.instantiate(); db.open({});
  const c = db.connect();
  c.query("SET custom_extension_repository = '${served.url}'");
  c.query("LOAD parquet");
  const n = c.query("SELECT count(*) AS n FROM duckdb_extensions() WHERE extension_name = 'parquet' AND loaded").toArray()[0].toJSON().n;
  process.stdout.write(String(n));
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.message || e)); process.exit(1); });`;
    const result = await runChild(process.execPath, ["-e", script], { timeoutMs });
    if (result.code !== 0 || result.out.trim() !== "1") {
      const why = result.timedOut ? `DuckDB-WASM did not load it within ${Math.round(timeoutMs / 1000)} s` : result.err.trim().split("\n")[0] || `exit ${result.code}`;
      throw new PromotorError(`DuckDB-WASM refused the parquet extension in ${dir}: ${why}`, {
        hint: "use DuckDB's official signed files for " + wasm.duckdbVersion + " (promotor pages extension --from https://extensions.duckdb.org, or a folder copied from there)",
      });
    }
  } finally {
    await served.close();
  }
}

/** Makes sure the local copy is complete: fills it from PROMOTOR_DUCKDB_EXTENSION_REPOSITORY or
 * DuckDB's repository when it is not, within seconds when neither answers. */
export async function ensureExtensions(root: string, env: NodeJS.ProcessEnv = process.env): Promise<{ ok: true; dir: string; wasm: WasmBuild } | { ok: false; status: ExtensionStatus }> {
  const wasm = wasmBuild(root);
  if (missingExtensionFiles(root, wasm).length === 0) return { ok: true, dir: extensionCacheDir(root), wasm };
  const status = await detectParquetExtension(root, env);
  if (!status.available) return { ok: false, status };
  const from = env[EXTENSION_REPOSITORY_ENV] || DEFAULT_EXTENSION_REPOSITORY;
  await installExtensions(root, from);
  return { ok: true, dir: extensionCacheDir(root), wasm };
}

/** Copies the local copy somewhere (a release's static folder). */
export function copyExtensions(root: string, target: string, wasm: WasmBuild): void {
  for (const platform of PLATFORMS) {
    for (const extension of EXTENSIONS) {
      const from = extensionFile(extensionCacheDir(root), wasm.duckdbVersion, platform, extension);
      const to = extensionFile(target, wasm.duckdbVersion, platform, extension);
      mkdirSync(dirname(to), { recursive: true });
      copyFileSync(from, to);
    }
  }
}
