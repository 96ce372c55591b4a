/** What the benchmark ran on: figures mean little without the machine and the versions. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { venvBin } from "../lib/paths.ts";

export interface MachineDescription {
  cpu: string;
  cores: number;
  ramBytes: number;
  os: string;
  node: string;
  duckdb: string;
  dbt: string;
  cube: string;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return match?.[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

function osName(): string {
  try {
    const match = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync("/etc/os-release", "utf8"));
    if (match?.[1]) return `${match[1]} (${platform()} ${release()})`;
  } catch {
    // not Linux
  }
  return `${platform()} ${release()}`;
}

function packageVersion(root: string, name: string): string {
  const file = join(root, "node_modules", ...name.split("/"), "package.json");
  if (!existsSync(file)) return "not installed";
  return String((JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "?");
}

function dbtVersion(): string {
  const python = venvBin("python");
  if (!existsSync(python)) return "not installed";
  try {
    return execFileSync(python, ["-c", "import importlib.metadata as m; print('dbt-core', m.version('dbt-core'), '· dbt-duckdb', m.version('dbt-duckdb'), '· duckdb', m.version('duckdb'))"], {
      encoding: "utf8",
      timeout: 20_000,
    }).trim();
  } catch {
    return "unknown";
  }
}

async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll("SELECT version() AS v");
    return String(reader.getRowObjectsJS()[0]?.["v"] ?? "?");
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export async function describeMachine(root: string): Promise<MachineDescription> {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    ramBytes: totalmem(),
    os: osName(),
    node: process.versions.node,
    duckdb: `${await duckdbVersion()} (@duckdb/node-api ${packageVersion(root, "@duckdb/node-api")})`,
    dbt: dbtVersion(),
    cube: packageVersion(root, "@cubejs-backend/server"),
  };
}
