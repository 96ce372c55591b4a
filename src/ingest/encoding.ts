/** The character encoding of a CSV export. Dutch tools and Excel still write Windows-1252
 * ("ANSI", Latin-1 with € and curly quotes): read as UTF-8, every row with an ë or é was
 * quarantined and the rest loaded, so the figures silently lacked exactly those answers. The
 * encoding is decided for the file as a whole: UTF-8 unless it is not valid UTF-8, then
 * Windows-1252 when the file holds no UTF-8 at all (converted, with a notice); a file that mixes
 * both is refused, never loaded in part. `--encoding` / the mapping's `encoding:` say it. */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Transform } from "node:stream";
import { PromotorError } from "../lib/errors.ts";

export type Encoding = "utf-8" | "windows-1252";

const NAMES: Record<string, Encoding> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  ansi: "windows-1252",
  // As browsers read them (WHATWG): Latin-1 labels mean Windows-1252, a superset in 0x80–0x9F.
  "latin-1": "windows-1252",
  latin1: "windows-1252",
  "iso-8859-1": "windows-1252",
};

export function parseEncoding(text: string, where: string): Encoding {
  const found = NAMES[text.trim().toLowerCase()];
  if (!found) throw new PromotorError(`${where}: unknown encoding "${text}"`, { hint: "use utf-8 or windows-1252 (also called latin-1 or ANSI)", exitCode: 2 });
  return found;
}

/** DuckDB found bytes that are not UTF-8 (before anything was loaded). */
export class NotUtf8 extends Error {
  constructor(readonly line: number) {
    super(`not UTF-8 from line ${line}`);
  }
}

export interface EncodingScan {
  /** Characters beyond ASCII written as valid UTF-8. */
  utf8Chars: number;
  /** Bytes that are not valid UTF-8, and the line of the first. */
  invalidBytes: number;
  firstInvalidLine: number | undefined;
}

/** Reads the whole file once, counting valid UTF-8 beyond ASCII and invalid bytes. */
export async function scanEncoding(path: string): Promise<EncodingScan> {
  const decoder = new TextDecoder("utf-8", { fatal: false });
  let utf8Chars = 0;
  let invalidBytes = 0;
  let firstInvalidLine: number | undefined;
  let line = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const text = decoder.decode(chunk as Buffer, { stream: true });
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) {
        if (c === 0x0a) line++;
      } else if (c === 0xfffd) {
        invalidBytes++;
        firstInvalidLine ??= line;
      } else if (!(c === 0xfeff && line === 1 && utf8Chars === 0 && invalidBytes === 0)) utf8Chars++;
    }
  }
  return { utf8Chars, invalidBytes, firstInvalidLine };
}

/** The file's text as UTF-8 in a temporary file. */
export async function transcodeToUtf8(path: string, encoding: Encoding): Promise<{ path: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "promotor-encoding-"));
  const out = join(dir, "utf8.csv");
  const decoder = new TextDecoder(encoding);
  await pipeline(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    new Transform({
      transform(chunk: Buffer, _enc, done) {
        done(null, Buffer.from(decoder.decode(chunk, { stream: true }), "utf8"));
      },
      flush(done) {
        done(null, Buffer.from(decoder.decode(), "utf8"));
      },
    }),
    createWriteStream(out),
  );
  return { path: out, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
