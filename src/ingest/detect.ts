import { closeSync, openSync, readSync, statSync } from "node:fs";
import { extname } from "node:path";
import { PromotorError } from "../lib/errors.ts";

export type FileFormat = "csv" | "parquet" | "xlsx";

export interface Dialect {
  format: FileFormat;
  /** Field separator of a CSV file. */
  delimiter: string;
  hasBom: boolean;
  crlf: boolean;
  /** Column ids of the header row (CSV only). */
  header: string[];
  /** Looks like a Qualtrics export (third row holds ImportId JSON). */
  qualtrics: boolean;
  /** Human label, e.g. "csv (;, BOM, CRLF)". */
  label: string;
  /** The file people know (an .xlsx read through a temporary CSV); default: the file read. */
  displayName?: string;
  /** Line number of a data record is its sheet row: record index + 2 (no line breaks to count). */
  rowPerLine?: boolean;
}

const PARQUET_MAGIC = "PAR1";

/** Splits one CSV record (no embedded newlines expected in a header) honouring quotes. */
export function splitCsvLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) {
      out.push(field);
      field = "";
    } else field += ch;
  }
  out.push(field);
  return out;
}

/** Reads the start of a file and works out its format and CSV dialect. */
export function detectDialect(path: string): Dialect {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new PromotorError("file not found or not readable", { file: path, hint: "check the path" });
  }
  if (size === 0) throw new PromotorError("file is empty", { file: path, hint: "export the survey again; an export has at least a header row" });
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(Math.min(size, 64 * 1024));
  try {
    readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  const ext = extname(path).toLowerCase();
  // An .xlsx workbook is a ZIP archive (PK\x03\x04) holding xl/workbook.xml.
  if (buffer.subarray(0, 4).toString("latin1") === "PK\u0003\u0004") {
    if (ext === ".xlsx" || ext === ".xlsm" || buffer.includes("xl/") || buffer.includes("[Content_Types].xml")) {
      return { format: "xlsx", delimiter: "", hasBom: false, crlf: false, header: [], qualtrics: false, label: "xlsx" };
    }
    throw new PromotorError("file is a ZIP archive, not a survey export", { file: path, hint: "unzip it and ingest the .csv, .xlsx or .parquet files inside" });
  }
  if (buffer.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new PromotorError("file is an Excel 97–2003 workbook (.xls), which is not read", { file: path, hint: "open it in Excel and save it as Excel Workbook (.xlsx) or CSV UTF-8" });
  }
  if (buffer.subarray(0, 4).toString("latin1") === PARQUET_MAGIC || ext === ".parquet") {
    return { format: "parquet", delimiter: "", hasBom: false, crlf: false, header: [], qualtrics: false, label: "parquet" };
  }
  let text = buffer.toString("utf8");
  const hasBom = text.charCodeAt(0) === 0xfeff;
  if (hasBom) text = text.slice(1);
  if (text.includes("\u0000")) {
    throw new PromotorError("file is binary, not CSV, .xlsx or Parquet", { file: path, hint: "save the export as CSV (UTF-8), Excel Workbook (.xlsx) or Parquet" });
  }
  const firstBreak = text.indexOf("\n");
  const firstLine = (firstBreak === -1 ? text : text.slice(0, firstBreak)).replace(/\r$/, "");
  const crlf = firstBreak > 0 && text[firstBreak - 1] === "\r";
  const candidates = [";", ",", "\t", "|"];
  const counts = candidates.map((d) => splitCsvLine(firstLine, d).length);
  const best = counts.indexOf(Math.max(...counts));
  const delimiter = candidates[best]!;
  if ((counts[best] ?? 0) < 2) {
    throw new PromotorError("cannot find a column separator in the header row", {
      file: path,
      line: 1,
      hint: "the first line must hold the column names separated by , or ; (as Excel writes them)",
    });
  }
  const header = splitCsvLine(firstLine, delimiter).map((h) => h.trim());
  const qualtrics = /"?\{""ImportId""/.test(text.slice(0, 32 * 1024)) || /\{"ImportId"/.test(text.slice(0, 32 * 1024));
  // A CSV saved under a spreadsheet name is read for what it is, and the label says so.
  const misnamed = [".xlsx", ".xlsm", ".xls"].includes(ext) ? `named ${ext}` : undefined;
  const parts = [delimiter === "\t" ? "tab" : delimiter, hasBom ? "BOM" : undefined, crlf ? "CRLF" : undefined].filter(Boolean);
  return { format: "csv", delimiter, hasBom, crlf, header, qualtrics, label: `${qualtrics ? "qualtrics " : ""}csv${misnamed ? ` ${misnamed}` : ""} (${parts.join(", ")})` };
}
