/** Inlines Cube's query parameters (`?` placeholders) as SQL literals, so the SQL runs in
 * DuckDB as is (Evidence source files, --sql output). Placeholders inside string literals,
 * quoted identifiers and comments are left alone. */
import { PromotorError } from "../lib/errors.ts";

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new PromotorError(`cannot inline the non-finite number ${value} into SQL`);
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  return `'${String(value).replaceAll("'", "''")}'`;
}

export function inlineParams(sql: string, params: readonly unknown[]): string {
  let out = "";
  let next = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    if (ch === "'" || ch === '"') {
      // Copy a quoted run; a doubled quote is an escaped quote.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "?") {
      if (next >= params.length) throw new PromotorError(`SQL has more placeholders than the ${params.length} parameters Cube returned`);
      out += sqlLiteral(params[next++]);
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  if (next !== params.length) throw new PromotorError(`SQL used ${next} of ${params.length} parameters Cube returned`);
  return out;
}
