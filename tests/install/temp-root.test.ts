/** A test run keeps its scratch files under one directory of its own, which the run removes at
 * the end (tests/helpers/temp-root.ts). Before, every `npm test` left about 1.3 GB behind in the
 * system's temp directory (a scratch `npm install` alone 1.1 GB), and a developer's disk filled
 * up run after run. */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { runChild } from "../../src/lib/child.ts";
import { tempDir } from "../helpers/warehouse.ts";

describe("the test run's temp directory", () => {
  it("is one directory of this run, for the tests and the processes they start", async () => {
    const root = process.env["PROMOTOR_TEST_TMP_ROOT"];
    expect(root, "tests/helpers/temp-root.ts did not run as vitest's globalSetup").toBeTruthy();
    expect(basename(root!)).toMatch(/^promotor-tests-/);
    expect(existsSync(root!)).toBe(true);
    expect(tmpdir()).toBe(root);
    expect(dirname(tempDir())).toBe(root);
    const child = await runChild(process.execPath, ["-e", "process.stdout.write(require('node:os').tmpdir())"], { timeoutMs: 20_000 });
    expect(child.out).toBe(root);
  });
});
