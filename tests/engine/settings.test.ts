/** The engine setting (issue 25): DuckDB by default; promotor.yaml, PROMOTOR_ENGINE and --engine
 * choose Trino; passwords come from the environment only; a command that does not run on Trino
 * refuses it instead of quietly using the DuckDB file. */
import { stagingArea } from "../../src/engine/trino-commands.ts";
import { describe, expect, it } from "vitest";
import { main, splitGlobalOptions } from "../../src/cli/main.ts";
import { describeTrino, resolveEngine, TRINO_DEFAULTS } from "../../src/engine/settings.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { capture } from "../helpers/capture.ts";

const none: NodeJS.ProcessEnv = {};

const refused = (f: () => unknown): PromotorError => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(PromotorError);
    return error as PromotorError;
  }
  throw new Error("expected a refusal");
};

describe("resolveEngine", () => {
  it("is DuckDB when nothing says otherwise, and nothing is read of Trino then", () => {
    expect(resolveEngine("/x", undefined, none, {})).toEqual({ engine: "duckdb" });
    // A Trino section alone does not switch the engine (and is not even checked).
    expect(resolveEngine("/x", undefined, none, { trino: { port: "not a port" } })).toEqual({ engine: "duckdb" });
  });

  it("takes --engine over PROMOTOR_ENGINE over promotor.yaml", () => {
    expect(resolveEngine("/x", undefined, none, { engine: "trino" }).engine).toBe("trino");
    expect(resolveEngine("/x", undefined, { PROMOTOR_ENGINE: "duckdb" }, { engine: "trino" }).engine).toBe("duckdb");
    expect(resolveEngine("/x", "trino", { PROMOTOR_ENGINE: "duckdb" }, { engine: "duckdb" }).engine).toBe("trino");
    expect(resolveEngine("/x", "DuckDB", none, { engine: "trino" }).engine).toBe("duckdb");
  });

  it("fills the local server's defaults and reads the section's values", () => {
    const local = resolveEngine("/x", "trino", none, {});
    expect(local).toEqual({ engine: "trino", trino: { ...TRINO_DEFAULTS, password: undefined, tls: false } });
    const remote = resolveEngine("/x", "trino", { PROMOTOR_TRINO_PASSWORD: "s3cret", PROMOTOR_TRINO_TLS: "1" }, { trino: { host: "trino.bank.example", port: 8443, catalog: "lake", schema: "cx_promotor", user: "svc_promotor", query_timeout: 900 } });
    expect(remote).toEqual({ engine: "trino", trino: { host: "trino.bank.example", port: 8443, catalog: "lake", schema: "cx_promotor", user: "svc_promotor", password: "s3cret", tls: true, queryTimeoutSeconds: 900 } });
    if (remote.engine === "trino") expect(describeTrino(remote.trino)).toBe("https://trino.bank.example:8443 (lake.cx_promotor, user svc_promotor)");
  });


  it("refuses what it cannot use, saying what to write instead", () => {
    expect(refused(() => resolveEngine("/x", "postgres", none, {})).describe()).toMatch(/--engine: unknown engine "postgres"[\s\S]*fix: one of: duckdb, trino/);
    expect(refused(() => resolveEngine("/x", undefined, { PROMOTOR_ENGINE: "spark" }, {})).message).toContain("PROMOTOR_ENGINE");
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { password: "hunter2" } })).describe()).toMatch(/trino.password is not read from the file[\s\S]*PROMOTOR_TRINO_PASSWORD/);
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { prot: 8080 } })).message).toContain("unknown setting trino.prot");
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { port: 80800 } })).message).toContain("trino.port must be a whole number from 1 to 65535, got 80800");
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { schema: "CX-Promotor" } })).message).toContain("is not a plain lower-case name");
    expect(refused(() => resolveEngine("/x", "trino", { PROMOTOR_TRINO_TLS: "yes" }, {})).message).toContain("PROMOTOR_TRINO_TLS must be");
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: "localhost" })).message).toContain("trino must be a section");
  });
});

describe("a staging location for a Trino on another machine", () => {
  it("is read as a pair (staging_dir, staging_uri), from the file or the environment", () => {
    const t = resolveEngine("/x", "trino", none, { trino: { host: "trino.bank.internal", staging_dir: "/mnt/lake/staging", staging_uri: "s3://lake/staging" } });
    expect(t.engine === "trino" && t.trino.staging).toEqual({ dir: "/mnt/lake/staging", uri: "s3://lake/staging" });
    const fromEnv = resolveEngine("/x", "trino", { PROMOTOR_TRINO_STAGING_DIR: "/mnt/s", PROMOTOR_TRINO_STAGING_URI: "hdfs://nn/s" }, {});
    expect(fromEnv.engine === "trino" && fromEnv.trino.staging).toEqual({ dir: "/mnt/s", uri: "hdfs://nn/s" });
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { staging_dir: "/mnt/s" } })).message).toContain("trino.staging_dir and trino.staging_uri go together");
    expect(refused(() => resolveEngine("/x", "trino", none, { trino: { staging_dir: "/mnt/s", staging_uri: "lake/staging" } })).message).toContain('trino.staging_uri "lake/staging" is not a URI');
  });

  it("is where the publish writes for a remote Trino; without one a remote publish is refused with the fix", () => {
    const remote = (extra: Record<string, unknown>) => {
      const e = resolveEngine("/project", "trino", none, { trino: { host: "trino.bank.internal", ...extra } });
      if (e.engine !== "trino") throw new Error("not trino");
      return e.trino;
    };
    expect(stagingArea("/project", remote({ staging_dir: "staging", staging_uri: "s3://lake/p" }))).toEqual({ dir: "/project/staging", uri: "s3://lake/p" });
    const error = refused(() => stagingArea("/project", remote({})));
    expect(error.message).toContain("publishing raw data to a Trino on another machine (http://trino.bank.internal:8080");
    expect(error.describe()).toMatch(/fix: set trino\.staging_dir .* and trino\.staging_uri/);
  });
});

describe("--engine on the command line", () => {
  it("is taken from anywhere, like --warehouse", () => {
    expect(splitGlobalOptions(["status", "--engine", "trino"])).toEqual({ warehouse: undefined, engine: "trino", rest: ["status"] });
    expect(splitGlobalOptions(["--engine=duckdb", "build", "--warehouse", "w.duckdb"])).toEqual({ warehouse: "w.duckdb", engine: "duckdb", rest: ["build"] });
  });

  it("a command that does not run on Trino refuses it (exit 3) instead of using the DuckDB file", async () => {
    const c = capture();
    expect(await main(["--engine", "trino", "start"], c.io)).toBe(3);
    expect(c.err()).toMatch(/promotor start does not run on the Trino engine yet \(engine from --engine\)[\s\S]*fix: run it on DuckDB/);
    const e = capture();
    expect(await main(["status", "--engine", "oracle"], e.io)).toBe(2);
    expect(e.err()).toContain('unknown engine "oracle"');
  });
});
