/** Which engine the warehouse lives on (issue 25): DuckDB (the default: one file, nothing to
 * run) or Trino over Iceberg tables. promotor.yaml's `engine:` and `trino:` sections, overridden
 * for one command by `--engine` or PROMOTOR_ENGINE; the password and TLS come from the
 * environment only, never from a file in git. */
import { PromotorError } from "../lib/errors.ts";
import { readSettingsFile, SETTINGS_FILE } from "../lib/settings-file.ts";

export type EngineName = "duckdb" | "trino";
export const ENGINES: readonly EngineName[] = ["duckdb", "trino"];

export interface TrinoSettings {
  host: string;
  port: number;
  catalog: string;
  schema: string;
  user: string;
  /** PROMOTOR_TRINO_PASSWORD; Trino accepts a password only over TLS (or a local server set up for it). */
  password: string | undefined;
  /** PROMOTOR_TRINO_TLS=1 (or true): https. */
  tls: boolean;
  /** Seconds a query may run before the client gives up (trino.query_timeout, default 300). */
  queryTimeoutSeconds: number;
  /** Where the publish writes Parquet files for Trino to commit (trino.staging_dir, a folder
   * this machine writes: a mount of object storage or a shared disk) and the same place as
   * Trino's catalog reads it (trino.staging_uri: s3://…, hdfs://…, file://…). Needed for a
   * Trino on another machine; the local server uses its own warehouse folder. */
  staging?: { dir: string; uri: string };
}

export type EngineSettings = { engine: "duckdb" } | { engine: "trino"; trino: TrinoSettings };

/** The local development server's defaults (promotor trino start): loopback, catalog iceberg. */
export const TRINO_DEFAULTS = { host: "127.0.0.1", port: 8080, catalog: "iceberg", schema: "promotor", user: "promotor", queryTimeoutSeconds: 300 } as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function parseEngine(value: unknown, from: string): EngineName {
  const text = String(value).trim().toLowerCase();
  if ((ENGINES as readonly string[]).includes(text)) return text as EngineName;
  throw new PromotorError(`${from}: unknown engine "${String(value)}"`, { hint: `one of: ${ENGINES.join(", ")} (duckdb is the default)` });
}

/** Environment variables that override promotor.yaml's trino section (for CI, containers and
 * tests): the same names the dbt profile reads (transforms/profiles.yml). */
export const TRINO_ENV: Readonly<Record<"host" | "port" | "catalog" | "schema" | "user" | "staging_dir" | "staging_uri", string>> = {
  host: "PROMOTOR_TRINO_HOST",
  port: "PROMOTOR_TRINO_PORT",
  catalog: "PROMOTOR_TRINO_CATALOG",
  schema: "PROMOTOR_TRINO_SCHEMA",
  user: "PROMOTOR_TRINO_USER",
  staging_dir: "PROMOTOR_TRINO_STAGING_DIR",
  staging_uri: "PROMOTOR_TRINO_STAGING_URI",
};

function trinoSection(raw: unknown, env: NodeJS.ProcessEnv): TrinoSettings {
  if (raw !== undefined && raw !== null && (typeof raw !== "object" || Array.isArray(raw))) {
    throw new PromotorError(`${SETTINGS_FILE}: trino must be a section (host, port, catalog, schema, user)`, { file: SETTINGS_FILE, hint: "trino:\n    host: 127.0.0.1\n    port: 8080" });
  }
  const fromFile = (raw ?? {}) as Record<string, unknown>;
  const section: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(TRINO_ENV)) if (env[name]) section[key] = env[name];
  const known = new Set(["host", "port", "catalog", "schema", "user", "query_timeout", "staging_dir", "staging_uri"]);
  for (const key of Object.keys(fromFile)) {
    if (key === "password") {
      throw new PromotorError(`${SETTINGS_FILE}: trino.password is not read from the file`, { file: SETTINGS_FILE, hint: "remove it and set PROMOTOR_TRINO_PASSWORD in the environment (a password does not belong in git)" });
    }
    if (!known.has(key)) throw new PromotorError(`${SETTINGS_FILE}: unknown setting trino.${key}`, { file: SETTINGS_FILE, hint: `one of: ${[...known].join(", ")}` });
  }
  const text = (key: string, fallback: string): string => {
    const v = section[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "string" || v.trim() === "") throw new PromotorError(`${SETTINGS_FILE}: trino.${key} must be a non-empty text`, { file: SETTINGS_FILE, hint: `for example ${key}: ${fallback}` });
    return v.trim();
  };
  const number = (key: string, fallback: number, max: number): number => {
    const v = section[key];
    if (v === undefined || v === null) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new PromotorError(`${SETTINGS_FILE}: trino.${key} must be a whole number from 1 to ${max}, got ${String(v)}`, { file: SETTINGS_FILE, hint: `for example ${key}: ${fallback}` });
    return n;
  };
  const identifier = (key: string, fallback: string): string => {
    const v = text(key, fallback);
    if (!IDENTIFIER.test(v)) throw new PromotorError(`${SETTINGS_FILE}: trino.${key} "${v}" is not a plain lower-case name`, { file: SETTINGS_FILE, hint: "letters, digits and _ (Trino folds names to lower case)" });
    return v;
  };
  const tls = (env["PROMOTOR_TRINO_TLS"] ?? "").toLowerCase();
  if (tls !== "" && !["0", "1", "true", "false"].includes(tls)) {
    throw new PromotorError(`PROMOTOR_TRINO_TLS must be 1, 0, true or false, got "${env["PROMOTOR_TRINO_TLS"]}"`, { hint: "export PROMOTOR_TRINO_TLS=1 for https" });
  }
  const stagingDir = section["staging_dir"] === undefined ? undefined : text("staging_dir", "/mnt/lake/promotor-staging");
  const stagingUri = section["staging_uri"] === undefined ? undefined : text("staging_uri", "s3://lake/promotor-staging");
  if ((stagingDir === undefined) !== (stagingUri === undefined)) {
    throw new PromotorError(`${SETTINGS_FILE}: trino.staging_dir and trino.staging_uri go together`, {
      file: SETTINGS_FILE,
      hint: "staging_dir: the folder this machine writes (e.g. /mnt/lake/promotor-staging); staging_uri: the same folder as Trino's catalog reads it (e.g. s3://lake/promotor-staging)",
    });
  }
  if (stagingUri !== undefined && !/^[a-z][a-z0-9+.-]*:\/\//.test(stagingUri)) {
    throw new PromotorError(`${SETTINGS_FILE}: trino.staging_uri "${stagingUri}" is not a URI`, { file: SETTINGS_FILE, hint: "a location Trino's file system reads: s3://bucket/prefix, gs://…, abfs://…, hdfs://…, file:///path, local:///path" });
  }
  return {
    ...(stagingDir !== undefined && stagingUri !== undefined ? { staging: { dir: stagingDir, uri: stagingUri } } : {}),
    host: text("host", TRINO_DEFAULTS.host),
    port: number("port", TRINO_DEFAULTS.port, 65535),
    catalog: identifier("catalog", TRINO_DEFAULTS.catalog),
    schema: identifier("schema", TRINO_DEFAULTS.schema),
    user: text("user", TRINO_DEFAULTS.user),
    password: env["PROMOTOR_TRINO_PASSWORD"] || undefined,
    tls: tls === "1" || tls === "true",
    queryTimeoutSeconds: number("query_timeout", TRINO_DEFAULTS.queryTimeoutSeconds, 86_400),
  };
}

/** The engine for this command: `--engine`, else PROMOTOR_ENGINE, else promotor.yaml, else duckdb. */
export function resolveEngine(root: string, flag: string | undefined, env: NodeJS.ProcessEnv = process.env, settings: Record<string, unknown> = readSettingsFile(root)): EngineSettings {
  const engine =
    flag !== undefined
      ? parseEngine(flag, "--engine")
      : env["PROMOTOR_ENGINE"]
        ? parseEngine(env["PROMOTOR_ENGINE"], "PROMOTOR_ENGINE")
        : settings["engine"] !== undefined
          ? parseEngine(settings["engine"], SETTINGS_FILE)
          : "duckdb";
  if (engine === "duckdb") return { engine };
  return { engine, trino: trinoSection(settings["trino"], env) };
}

/** promotor.yaml's trino section with its environment overrides, whatever the engine (the
 * local server's port, for instance). */
export function readTrinoSettings(root: string, env: NodeJS.ProcessEnv = process.env): TrinoSettings {
  return trinoSection(readSettingsFile(root)["trino"], env);
}

/** Where a Trino is, for messages: http(s)://host:port, catalog.schema. */
export const describeTrino = (t: TrinoSettings): string => `${t.tls ? "https" : "http"}://${t.host}:${t.port} (${t.catalog}.${t.schema}, user ${t.user})`;
