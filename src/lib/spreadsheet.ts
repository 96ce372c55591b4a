/** Cells that Excel, LibreOffice or Google Sheets would run as a formula are neutralised in every
 * CSV and .xlsx promotor writes (query results, case workbooks and lists): a cell that starts
 * with =, +, -, @, a tab or a carriage return gets a leading single quote (OWASP, "CSV
 * injection"). Plain numbers (-3, +1.5, 2e-3) stay numbers. Verbatim answers are exactly what
 * this product exports, and a customer can type "=HYPERLINK(…)". */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** spreadsheetSafe in SQL (DuckDB), for files written by COPY: the same rule, the same regexes. */
export function spreadsheetSafeSql(expr: string): string {
  return `CASE WHEN regexp_matches(${expr}, '^[=+\\-@\\t\\r]') AND NOT regexp_full_match(${expr}, '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?') THEN '''' || ${expr} ELSE ${expr} END`;
}

/** One CSV field: neutralised, then quoted when it holds a separator, quote or line break. */
export function csvField(value: unknown, delimiter = ","): string {
  if (value === null || value === undefined) return "";
  const text = spreadsheetSafe(value instanceof Date ? value.toISOString() : String(value));
  return text.includes(delimiter) || /["\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document (header + rows, CRLF as spreadsheets write it). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[], delimiter = ","): string {
  return [header, ...rows].map((row) => row.map((v) => csvField(v, delimiter)).join(delimiter)).join("\r\n") + "\r\n";
}
