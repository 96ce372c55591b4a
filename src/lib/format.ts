/** Output for people: aligned tables, thousands separators, durations and sizes with units. */

export type Cell = string | number | bigint | boolean | null | undefined | Date;

export interface TableOptions {
  /** Column indexes to right-align; by default numeric cells are right-aligned. */
  align?: ("left" | "right")[];
}

export function formatCell(value: Cell): string {
  if (value === null || value === undefined) return "–";
  if (value instanceof Date) return value.toISOString().replace("T", " ").replace(/\.000Z$/, "Z");
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return formatInteger(value);
    return value.toLocaleString("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 1 });
  }
  if (typeof value === "bigint") return formatInteger(Number(value));
  return String(value);
}

export function formatInteger(value: number): string {
  return value.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

export function table(headers: string[], rows: Cell[][], options: TableOptions = {}): string {
  const text = rows.map((row) => row.map(formatCell));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? "").length)));
  const alignOf = (i: number): "left" | "right" =>
    options.align?.[i] ??
    (rows.length > 0 && rows.every((r) => typeof r[i] === "number" || typeof r[i] === "bigint" || r[i] == null) &&
    rows.some((r) => r[i] != null)
      ? "right"
      : "left");
  const pad = (s: string, i: number): string => {
    const w = widths[i] ?? 0;
    return alignOf(i) === "right" ? s.padStart(w) : s.padEnd(w);
  };
  const lines = [
    headers.map((h, i) => pad(h, i)).join("  "),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...text.map((r) => r.map((c, i) => pad(c, i)).join("  ")),
  ];
  return lines.map((l) => l.trimEnd()).join("\n");
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}
