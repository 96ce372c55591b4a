/** vitest globalSetup: every scratch file of a test run goes under one directory of the run's
 * own (TMPDIR, inherited by the test workers and every process they start), removed when the run
 * ends. A test that fails half-way, or a child process's scratch files, then leave nothing behind
 * in the system's temp directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), "promotor-tests-"));
  process.env["TMPDIR"] = root;
  process.env["PROMOTOR_TEST_TMP_ROOT"] = root;
  return () => {
    if (process.env["PROMOTOR_KEEP_TEST_TMP"] === "1") {
      process.stderr.write(`scratch files of this run kept in ${root}\n`);
      return;
    }
    rmSync(root, { recursive: true, force: true });
  };
}
