/** DuckDB's and the file system's errors about the warehouse file, said as their cause and fix:
 * a lock held by another process, a file that cannot be written, a full disk. Without this they
 * reached people as DuckDB's own text, or as advice about the CSV that did not apply. */
import { PromotorError } from "./errors.ts";

const text = (error: unknown): string => (error instanceof Error ? `${error.message} ${(error as NodeJS.ErrnoException).code ?? ""}` : String(error));

/** The error as a PromotorError (exit 2: the environment) when it is one of these causes;
 * undefined otherwise. */
export function environmentError(error: unknown, warehouse?: string): PromotorError | undefined {
  if (error instanceof PromotorError) return undefined;
  const message = text(error);
  const file = warehouse ?? /file "?([^"\s]+\.duckdb)/.exec(message)?.[1] ?? "the warehouse";
  const lock = /Could not set lock on file[^]*?Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(message);
  if (lock || /Could not set lock on file/.test(message)) {
    const holder = lock ? `process ${lock[2]} (${lock[1]!.trim()})` : "another process";
    return new PromotorError(`${file} is in use by ${holder}: a build, an ingest or a query holds its lock`, {
      hint: `wait until it has finished and run the command again (promotor status shows a running build)${lock ? `, or stop it: kill ${lock[2]}` : ""}; promotor serve reads a snapshot and never holds the lock`,
      exitCode: 2,
      cause: error,
    });
  }
  if (/No space left on device|ENOSPC/.test(message)) {
    return new PromotorError(`the disk holding ${file} is full: nothing was committed by the step that ran out of space`, {
      hint: "free space there (df -h shows how much is left; a build needs about twice the warehouse's size) and run the command again",
      exitCode: 2,
      cause: error,
    });
  }
  if (/Read-only file system|EROFS/.test(message)) {
    return new PromotorError(`${file} is on a read-only file system`, { hint: "put the warehouse on a writable disk: --warehouse PATH or PROMOTOR_WAREHOUSE", exitCode: 2, cause: error });
  }
  if (/Permission denied|EACCES|EPERM/.test(message)) {
    return new PromotorError(`no permission to open ${file} (or its folder) for writing`, {
      hint: `make it writable for this user (ls -l shows owner and mode; chmod u+w ${file}), or use another path with --warehouse`,
      exitCode: 2,
      cause: error,
    });
  }
  return undefined;
}
