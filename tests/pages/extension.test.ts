/** The DuckDB-WASM parquet extension: detected within seconds, explained, and the Evidence build
 * skipped with a non-zero status where it cannot be fetched. Where it can, the real build runs. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { detectParquetExtension, extensionUrl, probeExtension, wasmBuild, type ExtensionStatus } from "../../src/pages/extension.ts";
import { cli, warehouseFrom } from "./helpers.ts";

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
  if (!status.available) console.warn(`[pages] DuckDB-WASM parquet extension not reachable here (${status.url}: ${status.reason}); the real Evidence build test is skipped`);
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

describe("promotor pages build", () => {
  it("skips the Evidence build with exit 3 and an explanation where the extension is missing", async ({ skip }) => {
    if (status.available) skip("the extension is reachable here: the skip path cannot be exercised");
    const warehouse = await warehouseFrom(join(projectRoot, "seeds", "sample"));
    const t0 = Date.now();
    const r = await cli(["--warehouse", warehouse, "pages", "build"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("The Evidence build is skipped: DuckDB-WASM cannot fetch its parquet extension.");
    expect(r.stderr).toContain("https://extensions.duckdb.org/v1.4.3/wasm_eh/parquet.duckdb_extension.wasm");
    expect(r.stdout).toMatch(/stamp: dashboard \d+\.\d+\.\d+ · commit \S+ · data up to 20\d\d-\d\d-\d\dT/);
    expect(Date.now() - t0).toBeLessThan(60_000);
  });

  it("builds a release with build:strict where the extension can be fetched", async ({ skip }) => {
    if (!status.available) skip(`parquet extension not reachable: ${status.reason}`);
    const warehouse = await warehouseFrom(join(projectRoot, "seeds", "sample"));
    const r = await cli(["--warehouse", warehouse, "pages", "build", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/release \d+\.\d+\.\d+ written to releases\//);
  }, 1_200_000);
});
