/** Excel workbooks (.xlsx): the chosen sheet becomes a CSV in a temporary folder, which then goes
 * through exactly the same validation as any CSV export. Read with `read-excel-file` (maintained,
 * pure JavaScript, no native code; DuckDB's own `excel` extension would have to be downloaded
 * from extensions.duckdb.org, which these machines cannot reach). */
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import readXlsxFile, { readSheet, SheetNotFoundError } from "read-excel-file/node";
import { PromotorError } from "../lib/errors.ts";

export interface ConvertedSheet {
  /** The CSV written (header = the sheet's first row; one record per sheet row, in order). */
  csvPath: string;
  sheet: string;
  /** Sheet rows written, the header row included. */
  rows: number;
  /** The first row's values (column names). */
  header: string[];
  /** Removes the temporary folder. */
  cleanup(): void;
}

/** A cell as the text an export would carry. Numbers keep their digits (7.5 stays 7.5: a bad
 * score, never 7); dates (cells formatted as a date) become ISO 8601 wall-clock time, which the
 * mapping's `timezone` places; an unformatted date number stays a number (`timestamp_format: excel`). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    // read-excel-file returns wall-clock time as UTC. Excel stores a day fraction, which comes
    // back as 09:04:59.999 for 09:05: survey times are to the second, so round to it.
    return new Date(Math.round(value.getTime() / 1000) * 1000).toISOString().slice(0, 19);
  }
  return String(value);
}

const quoted = (text: string): string => `"${text.replaceAll('"', '""')}"`;

export async function xlsxToCsv(file: string, sheet: string | undefined): Promise<ConvertedSheet> {
  let data: unknown[][];
  let sheetName = sheet ?? "";
  try {
    if (sheet === undefined) {
      // Every sheet is parsed; an export workbook holds one (or a few small ones).
      const first = (await readXlsxFile(file))[0];
      data = first?.data ?? [];
      sheetName = first?.sheet ?? "1";
    } else data = await readSheet(file, sheet);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    if (error instanceof SheetNotFoundError) {
      const names = await readXlsxFile(file).then((all) => all.map((s) => s.sheet), () => [] as string[]);
      throw new PromotorError(`the workbook has no sheet "${sheet}"`, { file, hint: `pass --sheet with one of: ${names.map((n) => `"${n}"`).join(", ")}` });
    }
    throw new PromotorError(`cannot read the Excel workbook: ${message.split("\n")[0]}`, {
      file,
      hint: "open it in Excel and save it again as .xlsx (Excel Workbook), or save the sheet as CSV UTF-8; .xls (Excel 97–2003) is not read",
      cause: error,
    });
  }
  if (data.length === 0) throw new PromotorError(`sheet "${sheetName}" is empty`, { file, hint: "the first row must hold the column names; pick another sheet with --sheet NAME" });
  const dir = mkdtempSync(join(tmpdir(), "promotor-xlsx-"));
  const csvPath = join(dir, "sheet.csv");
  const out = createWriteStream(csvPath, { encoding: "utf8" });
  const width = Math.max(...data.slice(0, 1).map((r) => r.length));
  for (const row of data) {
    const cells: string[] = [];
    for (let i = 0; i < Math.max(width, row.length); i++) cells.push(quoted(cellText(row[i])));
    if (!out.write(cells.join(",") + "\n")) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  const header = (data[0] ?? []).map((v) => cellText(v).trim());
  return { csvPath, sheet: sheetName, rows: data.length, header, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
