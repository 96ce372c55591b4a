/** Queries on Trino through presto-client (the client Cube's Trino driver and Evidence's Trino
 * connector use too), with a hard time limit and errors for people: an unreachable server, wrong
 * credentials, a missing catalog or schema and a query timeout each say the host, the cause and
 * the fix within seconds. */
import { createRequire } from "node:module";
import { PromotorError } from "../lib/errors.ts";
import { describeTrino, type TrinoSettings } from "../engine/settings.ts";

export interface PrestoColumn {
  name: string;
  type: string;
}
interface PrestoError {
  message?: string;
  code?: number | string;
  errorName?: string;
  errorType?: string;
  error?: PrestoError | { code?: string; message?: string };
}
interface PrestoClient {
  execute(opts: {
    query: string;
    catalog?: string;
    schema?: string;
    timeout?: number;
    timezone?: string;
    cancel?: () => boolean;
    data?: (error: unknown, rows: unknown[][], columns: PrestoColumn[]) => void;
    columns?: (error: unknown, columns: PrestoColumn[]) => void;
    success: (error: unknown) => void;
    error: (error: PrestoError) => void;
  }): void;
}
type PrestoClientClass = new (options: Record<string, unknown>) => PrestoClient;

// A CommonJS package without types: loaded through require, typed at this boundary.
const { Client } = createRequire(import.meta.url)("presto-client") as { Client: PrestoClientClass };

export interface TrinoQueryOptions {
  /** Seconds, default the settings' query timeout. */
  timeoutSeconds?: number;
  /** Run without the default schema (for CREATE SCHEMA before it exists). */
  withoutSchema?: boolean;
  /** The time limit counts from the last batch of rows, not from the start: a long transfer
   * that keeps sending rows runs on, a stalled one still fails (the pages' copy of Trino's
   * marts: 10 million rows take longer than any one statement should). */
  limitSinceLastRows?: boolean;
}

export type TrinoRow = Record<string, unknown>;

/** How often the client polls a running query: presto-client's default 800 ms (Cube's 2 s and
 * more) makes every small statement of a build cost most of a second. */
const CHECK_INTERVAL_MS = 50;

export function trinoClient(t: TrinoSettings, options: TrinoQueryOptions = {}): PrestoClient {
  return new Client({
    host: t.host,
    port: t.port,
    user: t.user,
    catalog: t.catalog,
    ...(options.withoutSchema ? {} : { schema: t.schema }),
    source: "promotor",
    engine: "trino",
    checkInterval: CHECK_INTERVAL_MS,
    timeout: options.timeoutSeconds ?? t.queryTimeoutSeconds,
    ...(t.password !== undefined ? { basic_auth: { user: t.user, password: t.password } } : {}),
    ...(t.tls ? { ssl: { rejectUnauthorized: true } } : {}),
  });
}

/** A statement on one line, cut to `length` characters, for a message. */
const oneLine = (sql: string, length: number): string => sql.replace(/\s+/g, " ").slice(0, length);

/** The cause and fix of a failed Trino call, for people. */
export function trinoError(t: TrinoSettings, error: PrestoError, sql: string, timeoutSeconds: number): PromotorError {
  const where = describeTrino(t);
  const inner = (error.error ?? {}) as { code?: string; message?: string };
  const text = `${error.message ?? ""} ${inner.message ?? ""}`.trim();
  const code = inner.code ?? (typeof error.code === "string" ? error.code : undefined);
  if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENOTFOUND" || code === "ECONNRESET" || code === "EAI_AGAIN") {
    return new PromotorError(`Trino at ${where} is unreachable (${code})`, {
      hint: t.host === "127.0.0.1" || t.host === "localhost" ? "start the local server: promotor trino start (or set trino.host and trino.port in promotor.yaml)" : `check trino.host and trino.port in promotor.yaml and that ${t.host}:${t.port} is reachable from here`,
    });
  }
  if (/query timed out/.test(text)) {
    return new PromotorError(`Trino at ${where} did not answer within ${timeoutSeconds} s: ${oneLine(sql, 120)}`, {
      hint: "raise trino.query_timeout in promotor.yaml for a large build, or see the query in Trino's web UI (its queue, a blocked worker)",
    });
  }
  if (error.code === 401 || /401|Unauthorized|Authentication failed|Access Denied: Invalid credentials/i.test(text)) {
    return new PromotorError(`Trino at ${where} refused the credentials of user ${t.user}`, {
      hint: "check trino.user in promotor.yaml and PROMOTOR_TRINO_PASSWORD (a password needs TLS: PROMOTOR_TRINO_TLS=1)",
    });
  }
  if (/Catalog '?[^']*'? (not found|does not exist)/i.test(text) || error.errorName === "CATALOG_NOT_FOUND") {
    return new PromotorError(`Trino at ${where} has no catalog "${t.catalog}": ${text}`, {
      hint: "set trino.catalog in promotor.yaml to an Iceberg catalog the server has (SHOW CATALOGS), or ask its administrators for one (docs/trino.md)",
    });
  }
  if (/Schema '?[^']*'? (not found|does not exist)/i.test(text) || error.errorName === "SCHEMA_NOT_FOUND") {
    return new PromotorError(`Trino at ${where} has no schema "${t.catalog}.${t.schema}": ${text}`, {
      hint: `create it (CREATE SCHEMA ${t.catalog}.${t.schema}), which promotor ingest does where the user may, or set trino.schema in promotor.yaml`,
    });
  }
  if (/^EXCEEDED_[A-Z_]*MEMORY_LIMIT$/.test(error.errorName ?? "") || /exceeded (per-node|distributed|local)[a-z -]* memory limit/i.test(text)) {
    return new PromotorError(`Trino at ${where} has too little memory for one statement: ${text}\n  query: ${oneLine(sql, 200)}`, {
      hint:
        "give the server more memory per query: the local one with promotor trino stop, then promotor trino start --heap 6G (a third of the heap per query, and it spills to disk); " +
        "a shared one by its administrators (query.max-memory-per-node, query.max-memory, spill-enabled), docs/trino.md",
    });
  }
  if (/Access Denied/i.test(text)) {
    return new PromotorError(`Trino at ${where} denied user ${t.user}: ${text}`, { hint: "docs/trino.md lists the privileges Promotor needs on its schema" });
  }
  return new PromotorError(`Trino at ${where} failed: ${text || JSON.stringify(error)}${error.errorName ? ` (${error.errorName})` : ""}\n  query: ${oneLine(sql, 200)}`, {
    hint: "the message above is Trino's own; fix the statement or the data it names",
  });
}

/** Runs one statement, handing each batch of rows (value arrays) with the columns' names and
 * Trino types to `onBatch` as it arrives; resolves with the columns. */
export function trinoStream(t: TrinoSettings, sql: string, onBatch: (rows: unknown[][], columns: PrestoColumn[]) => void, options: TrinoQueryOptions = {}): Promise<PrestoColumn[]> {
  const timeoutSeconds = options.timeoutSeconds ?? t.queryTimeoutSeconds;
  const client = trinoClient(t, options);
  return new Promise((resolve, reject) => {
    let columns: PrestoColumn[] = [];
    // With limitSinceLastRows the limit is this timer, armed again by every batch; when it
    // fires, the promise fails at once and the client cancels the query at its next poll.
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      if (!options.limitSinceLastRows) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        reject(
          new PromotorError(`Trino at ${describeTrino(t)} sent no rows for ${timeoutSeconds} s: ${oneLine(sql, 120)}`, {
            hint: "raise trino.query_timeout in promotor.yaml if the server is busy, or see the query in Trino's web UI (its queue, a blocked worker)",
          }),
        );
      }, timeoutSeconds * 1000);
    };
    arm();
    client.execute({
      query: sql,
      // 0: presto-client's own limit off (it counts from the start).
      timeout: options.limitSinceLastRows ? 0 : timeoutSeconds,
      cancel: () => stalled,
      // The warehouse's times are UTC, and so are the session's (a bound without an offset).
      timezone: "UTC",
      columns: (_e, c) => (columns = c ?? columns),
      data: (_e, data, c) => {
        if (c) columns = c;
        arm();
        onBatch(data, columns);
      },
      success: () => {
        clearTimeout(timer);
        resolve(columns);
      },
      error: (error) => {
        clearTimeout(timer);
        reject(trinoError(t, error, sql, timeoutSeconds));
      },
    });
  });
}

/** Runs one statement and returns its rows as value arrays with the columns' names and Trino
 * types (for values typed by column: the semantic layer). */
export async function trinoQueryWithColumns(t: TrinoSettings, sql: string, options: TrinoQueryOptions = {}): Promise<{ columns: PrestoColumn[]; rows: unknown[][] }> {
  const rows: unknown[][] = [];
  const columns = await trinoStream(t, sql, (batch) => {
    for (const row of batch) rows.push(row);
  }, options);
  return { columns, rows };
}

/** Runs one statement and returns its rows as objects keyed by column name. */
export async function trinoQuery(t: TrinoSettings, sql: string, options: TrinoQueryOptions = {}): Promise<TrinoRow[]> {
  const { columns, rows } = await trinoQueryWithColumns(t, sql, options);
  return rows.map((values) => Object.fromEntries(columns.map((c, i) => [c.name, values[i]])));
}

/** Whether the configured catalog and schema exist for this user: one query, which fails with
 * the cause (unreachable, credentials, catalog, schema, timeout) when they don't. With
 * `schemaMayBeMissing` (a first publish creates it) a missing schema is no failure. */
export async function checkTrino(t: TrinoSettings, options: { timeoutSeconds?: number; schemaMayBeMissing?: boolean } = {}): Promise<{ schemaExists: boolean; tables: number }> {
  const timeoutSeconds = options.timeoutSeconds ?? 10;
  const [row] = await trinoQuery(
    t,
    `SELECT (SELECT count(*) FROM ${t.catalog}.information_schema.schemata WHERE schema_name = '${t.schema}') AS schemas,
            (SELECT count(*) FROM ${t.catalog}.information_schema.tables WHERE table_schema = '${t.schema}') AS tables`,
    { timeoutSeconds, withoutSchema: true },
  );
  const schemaExists = Number(row?.["schemas"] ?? 0) > 0;
  if (!schemaExists && !options.schemaMayBeMissing) {
    throw trinoError(t, { message: `Schema '${t.schema}' does not exist in catalog '${t.catalog}'`, errorName: "SCHEMA_NOT_FOUND" }, `SHOW SCHEMAS FROM ${t.catalog}`, timeoutSeconds);
  }
  return { schemaExists, tables: Number(row?.["tables"] ?? 0) };
}
