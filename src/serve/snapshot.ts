/** The Cube server reads a snapshot of the warehouse, not the file dbt writes: DuckDB's file lock
 * lets a writer in only when no other process has the file open (even read-only), so a server
 * holding warehouse/promotor.duckdb would make every `promotor build` fail. The snapshot is taken
 * while the original is open READ_ONLY (the shared lock keeps writers out during the copy), and
 * retaken after a rebuild. */
import { DuckDBInstance } from "@duckdb/node-api";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { PromotorError } from "../lib/errors.ts";

export interface Snapshot {
  /** The copy Cube opens. */
  path: string;
  /** Stamp of the original at copy time (size and mtime of the file and its WAL). */
  stamp: string;
  takenAt: Date;
}

/** Changes whenever the warehouse file (or its write-ahead log) is rewritten. */
export function warehouseStamp(warehouse: string): string {
  const part = (p: string): string => {
    if (!existsSync(p)) return "-";
    const s = statSync(p);
    return `${s.size}:${s.mtimeMs}`;
  };
  return `${part(warehouse)}|${part(`${warehouse}.wal`)}`;
}

export const isLockConflict = (error: unknown): boolean => error instanceof Error && /Could not set lock|Conflicting lock/i.test(error.message);

/** Copies the warehouse (and WAL) into `dir` while holding it open read-only. Throws a
 * PromotorError naming the lock holder's situation when a writer (dbt) has the file. */
export async function takeSnapshot(warehouse: string, dir: string): Promise<Snapshot> {
  if (!existsSync(warehouse)) {
    throw new PromotorError(`warehouse not found: ${warehouse}`, { hint: "build it first: promotor ingest seeds/sample && promotor build" });
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(warehouse, { access_mode: "READ_ONLY" });
  } catch (error) {
    if (isLockConflict(error)) {
      throw new PromotorError(`the warehouse is being written right now (another process holds its lock): ${warehouse}`, {
        hint: "wait for promotor build / promotor ingest to finish, then try again",
        cause: error,
      });
    }
    throw new PromotorError(`cannot open the warehouse ${warehouse}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  try {
    mkdirSync(dir, { recursive: true });
    const stamp = warehouseStamp(warehouse);
    const takenAt = new Date();
    const path = join(dir, `${basename(warehouse, ".duckdb")}.${takenAt.getTime()}.duckdb`);
    copyFileSync(warehouse, path);
    if (existsSync(`${warehouse}.wal`)) copyFileSync(`${warehouse}.wal`, `${path}.wal`);
    return { path, stamp, takenAt };
  } finally {
    instance.closeSync();
  }
}

/** Removes snapshots in `dir` other than `keep`. */
export function removeSnapshots(dir: string, keep?: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (keep && (path === keep || path === `${keep}.wal`)) continue;
    if (/\.\d+\.duckdb(\.wal)?$/.test(name)) rmSync(path, { force: true });
  }
}
