/** A fresh `npm install` leaves the working tree clean: package-lock.json already holds what npm
 * writes (every optional platform package included), so the commit stamped on every dashboard
 * page is never "-dirty" on a new machine. Installs into a scratch copy from npm's cache (the
 * cache `npm install` of this checkout filled), without install scripts. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";
import { runChild } from "../../src/lib/child.ts";

describe("package-lock.json", () => {
  it("is unchanged by a fresh npm install of package.json", async () => {
    const dir = mkdtempSync(join(tmpdir(), "promotor-lock-"));
    for (const f of ["package.json", "package-lock.json"]) copyFileSync(join(projectRoot, f), join(dir, f));
    try {
      const before = readFileSync(join(dir, "package-lock.json"), "utf8");
      const r = await runChild("npm", ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline"], {
        cwd: dir,
        timeoutMs: 400_000,
        env: { ...process.env, npm_config_loglevel: "error" },
      });
      expect(r.code, `npm install failed: ${r.timedOut ? "killed after 400 s" : r.err}`).toBe(0);
      const after = readFileSync(join(dir, "package-lock.json"), "utf8");
      if (after !== before) {
        const a = before.split("\n");
        const b = after.split("\n");
        const first = b.findIndex((line, i) => line !== a[i]);
        throw new Error(`npm install rewrote package-lock.json (${b.length - a.length} lines more), first difference at line ${first + 1}: ${b[first]}\n  fix: run npm install and commit package-lock.json`);
      }
    } finally {
      // 1.1 GB of node_modules: gone now, not only when the run ends.
      rmSync(dir, { recursive: true, force: true });
    }
  }, 420_000);
});
