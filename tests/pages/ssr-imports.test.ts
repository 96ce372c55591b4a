/** Evidence prerenders every page on the server: Vite compiles the Svelte component libraries and
 * leaves every other package to Node's own import. A dependency that cannot be imported in Node
 * (codemirror 6.65.7, a CodeMirror 5 mis-publish that touches `document`) fails every page with
 * HTTP 500. This imports each such package the component bundle imports, as the prerender does,
 * without a build and without the DuckDB-WASM extension. */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../src/lib/paths.ts";

const require = createRequire(join(projectRoot, "package.json"));
// The package exports no package.json; its files sit beside its entry point (dist/index.js).
const componentsDir = dirname(dirname(require.resolve("@evidence-dev/core-components")));

/** Bare imports of the component bundle's shipped files (not stories or tests), first importer kept. */
function bareImports(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|svelte)$/.test(entry) && !/\.(stories|spec|test)\./.test(entry)) {
        for (const m of readFileSync(path, "utf8").matchAll(/^\s*import\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'".$/][^'"]*)['"]/gm)) {
          if (!found.has(m[1]!)) found.set(m[1]!, path.slice(dir.length + 1));
        }
      }
    }
  };
  walk(dir);
  return found;
}

/** A package's package.json, found on Node's search path (many packages do not export it). */
function manifestOf(from: NodeJS.Require, name: string): { version?: string; svelte?: unknown; exports?: unknown } | undefined {
  for (const base of from.resolve.paths(name) ?? []) {
    const file = join(base, name, "package.json");
    if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { version?: string; svelte?: unknown; exports?: unknown };
  }
  return undefined;
}

const packageName = (spec: string): string => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);

/** What Vite leaves to Node when it renders on the server: not Svelte, not Evidence's own
 * packages (compiled with the app), not CSS. */
export function nodeImportedPackages(dir: string): { spec: string; importer: string }[] {
  const from = createRequire(join(dir, "package.json"));
  const out: { spec: string; importer: string }[] = [];
  for (const [spec, importer] of bareImports(join(dir, "dist"))) {
    if (spec.startsWith("svelte") || spec.startsWith("@evidence-dev/") || spec.endsWith(".css")) continue;
    const manifest = manifestOf(from, packageName(spec));
    if (manifest && (manifest.svelte || JSON.stringify(manifest.exports ?? {}).includes('"svelte"'))) continue;
    out.push({ spec, importer });
  }
  return out;
}

describe("the component bundle on the server", () => {
  const packages = nodeImportedPackages(componentsDir);

  it("finds the packages the prerender imports through Node (codemirror among them)", () => {
    const specs = packages.map((p) => p.spec);
    expect(specs).toContain("codemirror");
    expect(specs).toContain("echarts");
    expect(specs.length).toBeGreaterThan(10);
  });

  it("imports every one of them in Node without a browser", async () => {
    const from = createRequire(join(componentsDir, "package.json"));
    const failures: string[] = [];
    for (const { spec, importer } of packages) {
      try {
        await import(from.resolve(spec));
      } catch (error) {
        failures.push(`${spec} (imported by ${importer}): ${(error as Error).message.split("\n")[0]}`);
      }
    }
    expect(failures, "a dependency Evidence's prerender cannot import: pin a working version in package.json overrides").toEqual([]);
  }, 120_000);

  it("pins codemirror to a real CodeMirror 6 release (6.65.7 is a CodeMirror 5 mis-publish)", () => {
    const pkg = JSON.parse(readFileSync(join(projectRoot, "package.json"), "utf8")) as { overrides: Record<string, string> };
    expect(pkg.overrides["codemirror"]).toBe("6.0.2");
    const from = createRequire(join(componentsDir, "package.json"));
    expect(manifestOf(from, "codemirror")?.version).toBe("6.0.2");
  });
});
