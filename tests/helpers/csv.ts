import { readFileSync } from "node:fs";

/** A deliberately simple CSV reader for tests (quotes, "" escapes, line breaks inside quotes),
 * independent of the ingest code: counts in tests are checked against it. */
export function parseCsv(path: string, delimiter?: string): { header: string[]; rows: Record<string, string>[] } {
  let text = readFileSync(path, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delim = delimiter ?? (text.split("\n")[0]!.split(";").length > text.split("\n")[0]!.split(",").length ? ";" : ",");
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delim) record.push(field), (field = "");
    else if (ch === "\n") record.push(field.replace(/\r$/, "")), records.push(record), (record = []), (field = "");
    else field += ch;
  }
  if (field !== "" || record.length > 0) record.push(field), records.push(record);
  const [header = [], ...data] = records;
  return { header, rows: data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""]))) };
}
