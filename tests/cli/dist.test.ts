/** The compiled CLI (bin/dist.mjs): src/ -> dist/node/ at install, one module per source, relative
 * ".ts" imports rewritten, and a source changed since the build noticed and recompiled. */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module without types
import { buildDist, compiledPath, rewriteSpecifiers, staleSources } from "../../bin/dist.mjs";

const root = join(import.meta.dirname, "..", "..");

describe("compiled JavaScript for the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "promotor-dist-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("rewrites relative .ts specifiers in imports and exports, and nothing else", () => {
    const code = [
      `import { a } from "./a.ts";`,
      `export { b } from "../lib/b.ts";`,
      `import "./side.ts";`,
      `const m = await import("./lazy.ts");`,
      `const file = "src/pages/source-queries.ts";`,
      `import x from "some-package/x.ts";`,
    ].join("\n");
    expect(rewriteSpecifiers(code).split("\n")).toEqual([
      `import { a } from "./a.js";`,
      `export { b } from "../lib/b.js";`,
      `import "./side.js";`,
      `const m = await import("./lazy.js");`,
      `const file = "src/pages/source-queries.ts";`,
      `import x from "some-package/x.ts";`,
    ]);
  });

  it("builds a project, runs the output with plain Node, and rebuilds only what changed", async () => {
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { target: "ES2022" } }));
    mkdirSync(join(dir, "src", "lib"), { recursive: true });
    writeFileSync(join(dir, "src", "lib", "b.ts"), `export const b = (n: number): number => n * 2;\n`);
    writeFileSync(join(dir, "src", "main.ts"), `import type { Writable } from "node:stream";\nimport { b } from "./lib/b.ts";\nexport const main = (): number => b(21);\nexport class K { constructor(private readonly v: number) {} get(): number { return this.v; } }\n`);
    expect(staleSources(dir).fresh).toBe(false);
    const first = await buildDist(dir);
    expect(first).toMatchObject({ compiled: 2, total: 2 });
    expect(staleSources(dir).fresh).toBe(true);
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(pathToFileURL(compiledPath(dir, "src/main.ts")).href)}); console.log(m.main(), new m.K(7).get());`], { encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("42 7");

    writeFileSync(join(dir, "src", "lib", "b.ts"), `export const b = (n: number): number => n * 3;\n`);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(dir, "src", "lib", "b.ts"), later, later);
    expect(staleSources(dir).stale).toEqual(["src/lib/b.ts"]);
    expect(await buildDist(dir)).toMatchObject({ compiled: 1, total: 2 });
    expect(readFileSync(compiledPath(dir, "src/lib/b.ts"), "utf8")).toContain("n * 3");

    rmSync(join(dir, "src", "lib", "b.ts"));
    expect(staleSources(dir).removed).toEqual(["src/lib/b.ts"]);
  });

  it("the project's dist/node is built by npm install and git-ignored", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts["postinstall"]).toMatch(/^patch-package && node scripts\/setup-python\.mjs && node scripts\/build-dist\.mjs/);
    const ignored = spawnSync("git", ["check-ignore", "dist/node/src/cli/main.js"], { cwd: root, encoding: "utf8", timeout: 10_000 });
    expect(ignored.stdout.trim()).toBe("dist/node/src/cli/main.js");
  });
});
