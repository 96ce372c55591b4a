/** The DuckDB-WASM parquet extension: detected within seconds, explained, and the Evidence build
 * skipped with a non-zero status where it cannot be fetched. Where it can, the real build runs. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import {
  detectParquetExtension,
  EXTENSION_REPOSITORY_ENV,
  EXTENSIONS_DIR_ENV,
  extensionUrl,
  installExtensions,
  missingExtensionFiles,
  probeExtension,
  serveExtensions,
  wasmBuild,
  type ExtensionStatus,
} from "../../src/pages/extension.ts";
import { cli, tempDir, warehouseFrom } from "./helpers.ts";

let server: Server;
let base: string;
let status: ExtensionStatus;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith("/slow")) return; // never answers
    if (req.url === "/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm") res.writeHead(200).end();
    else res.writeHead(404, "Not Found").end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  status = await detectParquetExtension(projectRoot);
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe("parquet extension detection", () => {
  it("knows the DuckDB release and platform inside the installed DuckDB-WASM", () => {
    const w = wasmBuild(projectRoot);
    expect(w.packageVersion).toBe("1.32.0");
    expect(w.duckdbVersion).toBe("v1.4.3");
    expect(w.platform).toBe("wasm_eh");
    expect(extensionUrl(w)).toBe("https://extensions.duckdb.org/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm");
    expect(extensionUrl(w, "https://mirror.intra/duckdb/")).toBe("https://mirror.intra/duckdb/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm");
  });

  it("probes a mirror: found, missing, and no answer within the timeout", async () => {
    expect(await probeExtension(`${base}/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm`)).toEqual({ ok: true });
    expect(await probeExtension(`${base}/v9/wasm_eh/parquet.duckdb_extension.wasm`)).toEqual({ ok: false, reason: "HTTP 404 Not Found" });
    const t0 = Date.now();
    const slow = await probeExtension(`${base}/slow`, 800);
    expect(slow).toEqual({ ok: false, reason: "no answer within 1 s" });
    expect(Date.now() - t0).toBeLessThan(3_000);
  });

  it("honours a configured mirror", async () => {
    const s = await detectParquetExtension(projectRoot, { PROMOTOR_DUCKDB_EXTENSION_REPOSITORY: base });
    expect(s.url).toBe(`${base}/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm`);
    expect(s.available).toBe(true);
  });

  it("decides within seconds", () => {
    expect(status.elapsedMs).toBeLessThan(15_000);
  });
});

describe("the project's copy of the extensions", () => {
  it("refuses a file that is not DuckDB's signed build: DuckDB-WASM checks the signature, the file is removed, the error says what to use", async () => {
    const root = tempDir("promotor-ext-");
    const from = join(root, "mirror");
    for (const platform of ["wasm_eh", "wasm_mvp"]) {
      mkdirSync(join(from, "v1.4.3", platform), { recursive: true });
      writeFileSync(join(from, "v1.4.3", platform, "parquet.duckdb_extension.wasm"), Buffer.from("\0asm not really an extension"));
    }
    await expect(installExtensions(root, from, { timeoutMs: 5_000 })).rejects.toThrow(/DuckDB-WASM refused the parquet extension in .*duckdb-extensions/);
    expect(missingExtensionFiles(root, wasmBuild(root)).length, "a refused file is not kept for a later build").toBe(2);
  }, 90_000);

  it("names the folder layout it expects when a file is missing", async () => {
    const root = tempDir("promotor-ext-");
    await expect(installExtensions(root, join(root, "empty"))).rejects.toThrow(/no parquet\.duckdb_extension\.wasm for wasm_eh in .*empty/);
  });

  it("serves the copy on loopback only, as application/wasm, and nothing outside the folder", async () => {
    const root = tempDir("promotor-ext-");
    mkdirSync(join(root, "v1.4.3", "wasm_eh"), { recursive: true });
    writeFileSync(join(root, "v1.4.3", "wasm_eh", "parquet.duckdb_extension.wasm"), "bytes");
    writeFileSync(join(root, "..", "secret.txt"), "no");
    const served = await serveExtensions(root);
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ok = await fetch(`${served.url}/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get("content-type")).toBe("application/wasm");
      expect(await ok.text()).toBe("bytes");
      expect((await fetch(`${served.url}/../secret.txt`)).status).toBe(404);
      expect((await fetch(`${served.url}/v1.4.3/wasm_eh/json.duckdb_extension.wasm`)).status).toBe(404);
    } finally {
      await served.close();
    }
  });
});

describe("promotor pages build without any extension", () => {
  it("skips the Evidence build with exit 3 and an explanation, within seconds", async () => {
    const warehouse = await warehouseFrom(join(projectRoot, "seeds", "sample"));
    // No local copy, and a repository that does not answer: as on a machine without internet.
    const saved = { dir: process.env[EXTENSIONS_DIR_ENV], repo: process.env[EXTENSION_REPOSITORY_ENV] };
    process.env[EXTENSIONS_DIR_ENV] = tempDir("promotor-no-ext-");
    process.env[EXTENSION_REPOSITORY_ENV] = `${base}/slow`;
    try {
      const t0 = Date.now();
      const r = await cli(["--warehouse", warehouse, "pages", "build"]);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("The Evidence build is skipped: DuckDB-WASM cannot fetch its parquet extension.");
      expect(r.stderr).toContain(`${base}/slow/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm (no answer within 5 s)`);
      expect(r.stderr).toContain("promotor pages extension --from DIR|URL");
      expect(r.stdout).toMatch(/stamp: dashboard \d+\.\d+\.\d+ · commit \S+ · data up to 20\d\d-\d\d-\d\dT/);
      expect(Date.now() - t0).toBeLessThan(60_000);
    } finally {
      for (const [k, v] of [[EXTENSIONS_DIR_ENV, saved.dir], [EXTENSION_REPOSITORY_ENV, saved.repo]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }, 120_000);
});
