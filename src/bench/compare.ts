/** Do the semantic layer and the hand-written SQL give the same answer? Rows are matched on
 * their key values (row order is not part of the answer), numbers within a relative 1e-9. */
import type { DashboardQuery } from "./queries.ts";

/** Key text of a cell: dates and Cube's ISO strings both become YYYY-MM-DD…, null "∅". */
function keyText(value: unknown): string {
  if (value === null || value === undefined) return "∅";
  if (value instanceof Date) return value.toISOString().replace("Z", "").slice(0, 19);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}/.test(value)) return value.replace(" ", "T").slice(0, 19);
  return String(value);
}

function toNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === "object" && value !== null && "toDouble" in value) return (value as { toDouble(): number }).toDouble();
  return Number.NaN;
}

export function sameNumber(a: number | null, b: number | null, relative = 1e-9): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= relative * Math.max(1, Math.abs(a), Math.abs(b));
}

export interface Comparison {
  equal: boolean;
  /** First differences, for people. */
  differences: string[];
}

export function compareAnswers(query: DashboardQuery, semantic: readonly Record<string, unknown>[], hand: readonly Record<string, unknown>[]): Comparison {
  const differences: string[] = [];
  const index = (rows: readonly Record<string, unknown>[], side: 0 | 1): Map<string, Record<string, unknown>> => {
    const map = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const key = query.keys.map((k) => keyText(row[k[side]])).join(" | ");
      if (map.has(key)) differences.push(`${side === 0 ? "semantic" : "hand"} has key ${key} twice`);
      map.set(key, row);
    }
    return map;
  };
  const s = index(semantic, 0);
  const h = index(hand, 1);
  for (const key of s.keys()) if (!h.has(key)) differences.push(`only the semantic layer has ${key}`);
  for (const key of h.keys()) if (!s.has(key)) differences.push(`only the hand SQL has ${key}`);
  for (const [key, srow] of s) {
    const hrow = h.get(key);
    if (!hrow) continue;
    for (const [member, column] of query.values) {
      const a = toNumber(srow[member]);
      const b = toNumber(hrow[column]);
      if (!sameNumber(a, b)) differences.push(`${key}: ${member} = ${a} but hand SQL ${column} = ${b}`);
    }
  }
  return { equal: differences.length === 0, differences: differences.slice(0, 10) };
}
