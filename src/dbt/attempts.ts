/** Every `promotor build` attempt, in raw.build_attempts: started, then succeeded, failed or
 * interrupted, with the reason. raw.builds records only builds that passed (the test scope);
 * this table also keeps the ones that did not finish, so that `promotor status` and the next
 * build can say what happened. A process killed outright (SIGKILL, the OOM killer) cannot write
 * its end: the next build finds its row still running with no such process, and marks it. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { openWarehouse, queryRows, SQL_UTC_NOW, sqlString, tableExists } from "../lib/duckdb.ts";

const DDL = `CREATE TABLE IF NOT EXISTS raw.build_attempts (
  attempt_id INTEGER NOT NULL,
  started_at TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status VARCHAR NOT NULL,
  reason VARCHAR,
  pid INTEGER NOT NULL,
  command VARCHAR NOT NULL
)`;

export type AttemptStatus = "running" | "succeeded" | "failed" | "interrupted";

export interface BuildAttempt {
  attemptId: number;
  startedAt: string;
  finishedAt: string | null;
  status: AttemptStatus;
  reason: string | null;
  pid: number;
  command: string;
}

const KILLED = "the build process ended before it finished (killed, out of memory, or the machine stopped); the models it had not committed were rolled back";

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A UTC timestamp as people read it: 2026-12-06 11:22:03. */
export function utcText(value: unknown): string {
  return value instanceof Date ? value.toISOString().replace("T", " ").slice(0, 19) : String(value).slice(0, 19);
}

function toAttempt(row: Record<string, unknown>): BuildAttempt {
  return {
    attemptId: Number(row["attempt_id"]),
    startedAt: utcText(row["started_at"]),
    finishedAt: row["finished_at"] === null ? null : utcText(row["finished_at"]),
    status: String(row["status"]) as AttemptStatus,
    reason: row["reason"] === null ? null : String(row["reason"]),
    pid: Number(row["pid"]),
    command: String(row["command"]),
  };
}

/** Marks attempts still "running" whose process is gone as interrupted; returns them. */
async function closeDeadAttempts(connection: DuckDBConnection): Promise<BuildAttempt[]> {
  const running = (await queryRows(connection, "SELECT * FROM raw.build_attempts WHERE status = 'running' ORDER BY attempt_id")).map(toAttempt);
  const dead = running.filter((a) => !alive(a.pid));
  for (const attempt of dead) {
    await connection.run(`UPDATE raw.build_attempts SET status = 'interrupted', reason = ${sqlString(KILLED)} WHERE attempt_id = ${attempt.attemptId}`);
  }
  return dead.map((a) => ({ ...a, status: "interrupted", reason: KILLED }));
}

/** Records the start of a build on an open connection; returns its id and any earlier attempt
 * found interrupted. */
export async function startAttempt(connection: DuckDBConnection, command: string): Promise<{ attemptId: number; interrupted: BuildAttempt[] }> {
  await connection.run("CREATE SCHEMA IF NOT EXISTS raw");
  await connection.run(DDL);
  const interrupted = await closeDeadAttempts(connection);
  const next = Number((await queryRows(connection, "SELECT coalesce(max(attempt_id), 0) + 1 AS n FROM raw.build_attempts"))[0]?.["n"] ?? 1);
  await connection.run(`INSERT INTO raw.build_attempts VALUES (${next}, ${SQL_UTC_NOW}, NULL, 'running', NULL, ${process.pid}, ${sqlString(command)})`);
  return { attemptId: next, interrupted };
}

/** Records how a build ended. */
export async function finishAttempt(warehouse: string, attemptId: number, status: Exclude<AttemptStatus, "running">, reason?: string): Promise<void> {
  const db = await openWarehouse(warehouse);
  try {
    await db.connection.run(
      `UPDATE raw.build_attempts SET status = ${sqlString(status)}, finished_at = ${SQL_UTC_NOW}, reason = ${reason === undefined ? "NULL" : sqlString(reason.slice(0, 2000))} WHERE attempt_id = ${attemptId}`,
    );
  } finally {
    db.close();
  }
}

/** The latest attempts, newest first (a read-only connection: attempts of dead processes show
 * as "running" until the next build, so their liveness is judged here too). */
export async function recentAttempts(connection: DuckDBConnection, limit = 5): Promise<BuildAttempt[]> {
  if (!(await tableExists(connection, "raw", "build_attempts"))) return [];
  const rows = (await queryRows(connection, `SELECT * FROM raw.build_attempts ORDER BY attempt_id DESC LIMIT ${limit}`)).map(toAttempt);
  return rows.map((a) => (a.status === "running" && !alive(a.pid) ? { ...a, status: "interrupted", reason: KILLED } : a));
}
