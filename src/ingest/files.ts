import { readdirSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { PromotorError } from "../lib/errors.ts";

const EXPORT_EXTENSIONS = new Set([".csv", ".parquet", ".txt", ".tsv", ".xlsx"]);

/** Expands files and directories (non-recursive into hidden folders) into export files, sorted. */
export function expandInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let stat;
    try {
      stat = statSync(input);
    } catch {
      throw new PromotorError("no such file or directory", { file: input, hint: "check the path; pass survey exports (.csv, .xlsx, .parquet) or a folder holding them" });
    }
    if (stat.isDirectory()) {
      const found = readdirSync(input, { recursive: true, encoding: "utf8" })
        // Hidden files and folders, and Excel's lock files (~$name.xlsx) are not exports.
        .filter((name) => !name.split("/").some((part) => part.startsWith(".") || part.startsWith("~$")))
        .filter((name) => EXPORT_EXTENSIONS.has(extname(name).toLowerCase()))
        .map((name) => join(input, name))
        .filter((path) => statSync(path).isFile())
        .sort();
      if (found.length === 0) throw new PromotorError("the folder holds no .csv, .xlsx or .parquet exports", { file: input, hint: "point at the folder with the survey exports" });
      files.push(...found);
    } else files.push(input);
  }
  return files;
}
