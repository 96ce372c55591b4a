/** `promotor --help` lists the commands from the registry without importing any command module;
 * each entry must say exactly what its module's Command says. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandEntries, commands } from "../../src/cli/registry.ts";

const root = join(import.meta.dirname, "..", "..");

describe("command registry", () => {
  it("each entry's name, summary and usage are its module's own", async () => {
    for (const entry of commandEntries) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary, usage: command.usage }, `src/cli/registry.ts entry "${entry.name}"`).toEqual({
        name: entry.name,
        summary: entry.summary,
        usage: entry.usage,
      });
    }
    expect(commands.map((c) => c.name)).toEqual(commandEntries.map((e) => e.name));
  });

  it("help comes from the registry alone: no command module, no Cube, no DuckDB is loaded", () => {
    const script = `
      const { main } = await import(${JSON.stringify(join(root, "src", "cli", "main.ts"))});
      let out = "";
      const code = await main(["--help"], { stdout: { write: (s) => (out += s) }, stderr: process.stderr });
      const { createRequire } = await import("node:module");
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@cubejs-backend") || k.includes("@duckdb"));
      console.log(JSON.stringify({ code, out, loaded }));`;
    const r = spawnSync(join(root, "node_modules", ".bin", "node"), ["--import", "tsx/esm", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const { code, out, loaded } = JSON.parse(r.stdout.trim().split("\n").pop()!) as { code: number; out: string; loaded: string[] };
    expect(code).toBe(0);
    const flat = out.replace(/\s+/g, " ");
    for (const e of commandEntries) expect(flat).toContain(`promotor ${e.usage.split("\n")[0]!.replace(/\s+/g, " ").slice(0, 40)}`);
    expect(loaded).toEqual([]);
  });
});

describe("a command loads what it uses", () => {
  it("ingest of a CSV loads no .xlsx reader (read-excel-file: ~50 ms of every ingest)", () => {
    const script = `
      const { registerHooks } = await import("node:module");
      const seen = [];
      registerHooks({ resolve: (specifier, context, next) => { seen.push(specifier); return next(specifier, context); } });
      await import(${JSON.stringify(join(root, "src", "cli", "commands", "ingest.ts"))});
      await import(${JSON.stringify(join(root, "src", "ingest", "ingest.ts"))});
      console.log(JSON.stringify({ resolved: seen.length, xlsx: seen.filter((s) => s.includes("read-excel-file") || s.endsWith("/xlsx.ts") || s === "./xlsx.ts") }));`;
    const r = spawnSync(join(root, "node_modules", ".bin", "node"), ["--import", "tsx/esm", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8", timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const { resolved, xlsx } = JSON.parse(r.stdout.trim().split("\n").pop()!) as { resolved: number; xlsx: string[] };
    expect(resolved).toBeGreaterThan(5);
    expect(xlsx).toEqual([]);
  });
});

describe("promotor --help", () => {
  it("reads in a terminal: one line per command with its summary, no line wider than 100 characters", async () => {
    const { main } = await import("../../src/cli/main.ts");
    let out = "";
    expect(await main(["--help"], { stdout: { write: (s: string) => (out += s) } as never, stderr: process.stderr })).toBe(0);
    const lines = out.split("\n");
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(100);
    for (const e of commandEntries) {
      expect(lines.some((l) => l.startsWith(`  ${e.name} `) && l.includes(e.summary.slice(0, 40))), e.name).toBe(true);
      for (const u of e.usage.split("\n")) expect(out.replace(/\s+/g, " ")).toContain(u.trim().replace(/\s+/g, " "));
    }
  });
});

describe("promotor <command> --help", () => {
  const run = async (argv: string[]): Promise<{ code: number; out: string; err: string }> => {
    const { main } = await import("../../src/cli/main.ts");
    let out = "";
    let err = "";
    const code = await main(argv, { stdout: { write: (s: string) => (out += s) } as never, stderr: { write: (s: string) => (err += s) } as never });
    return { code, out, err };
  };

  it("prints that command's summary and usage, exit 0, for --help, -h and `help <command>`", async () => {
    for (const e of commandEntries) {
      for (const argv of [[e.name, "--help"], [e.name, "-h"], ["help", e.name], ["--warehouse", "x.duckdb", e.name, "--help"]]) {
        const { code, out, err } = await run(argv);
        expect({ code, err }, argv.join(" ")).toEqual({ code: 0, err: "" });
        const flat = out.replace(/\s+/g, " ");
        expect(flat, argv.join(" ")).toContain(e.summary.replace(/\s+/g, " ").slice(0, 60));
        for (const u of e.usage.split("\n")) expect(flat, argv.join(" ")).toContain(`promotor ${u.trim().replace(/\s+/g, " ")}`);
        // Only this command: no other command's usage.
        for (const other of commandEntries.filter((o) => o.name !== e.name)) expect(flat).not.toContain(`promotor ${other.usage.split("\n")[0]!.trim().replace(/\s+/g, " ")}`);
        for (const line of out.split("\n")) expect(line.length, line).toBeLessThanOrEqual(100);
      }
    }
  });

  it("--help after other arguments still prints help and runs nothing", async () => {
    const { code, out } = await run(["ingest", "does-not-exist.csv", "--help"]);
    expect(code).toBe(0);
    expect(out).toContain("promotor ingest");
  });

  it("an unknown command after help is a clear error", async () => {
    const { code, err } = await run(["help", "ingset"]);
    expect(code).not.toBe(0);
    expect(err).toContain('unknown command "ingset"');
    expect(err).toContain("ingest");
  });
});
