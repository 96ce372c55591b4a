/** Test-side readers, written independently of src/generate: an RFC 4180 parser that also
 * reports where each record starts, and the statistics the tests check numbers with. */

export interface ParsedCsv {
  records: string[][];
  /** Physical line (1-based) on which each record starts. */
  lines: number[];
}

export function parseCsv(text: string, sep: string): ParsedCsv {
  const records: string[][] = [];
  const lines: number[] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
    } else if (ch === sep) {
      record.push(field);
      field = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      // handled by the "\n" next
    } else if (ch === "\n") {
      record.push(field);
      records.push(record);
      lines.push(recordLine);
      record = [];
      field = "";
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
    lines.push(recordLine);
  }
  return { records, lines };
}

/** Records as objects keyed by the header row. */
export function toObjects(records: string[][]): Record<string, string>[] {
  const [header, ...rows] = records;
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ""])));
}

export function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** NPS = 100 × (promoters − detractors) / n, counted by hand. */
export function nps(scores: number[]): number {
  let p = 0;
  let d = 0;
  for (const s of scores) {
    if (s >= 9) p++;
    else if (s <= 6) d++;
  }
  return (100 * (p - d)) / scores.length;
}
