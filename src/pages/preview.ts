/** `promotor pages preview`: serves a built dashboard (build/ or releases/<version>/) from the
 * root of a local HTTP server, as Evidence sites expect. No network, no Evidence process. */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { PromotorError } from "../lib/errors.ts";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".parquet": "application/vnd.apache.parquet",
  ".arrow": "application/vnd.apache.arrow.file",
  ".wasm": "application/wasm",
  ".woff2": "font/woff2",
};

/** The file a URL path maps to inside dir (Evidence writes /x as x.html or x/index.html). */
export function resolveStatic(dir: string, urlPath: string): string | null {
  const clean = decodeURIComponent(urlPath.split("?")[0] ?? "/");
  const base = resolve(dir);
  const target = normalize(join(base, clean));
  if (target !== base && !target.startsWith(base + sep)) return null;
  for (const candidate of [target, `${target}.html`, join(target, "index.html")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

export function serveStatic(dir: string, port: number): Promise<Server> {
  if (!existsSync(join(dir, "index.html"))) {
    throw new PromotorError(`nothing to preview in ${dir}`, { hint: "run promotor pages build first (or pick a release: --release VERSION)" });
  }
  const server = createServer((req, res) => {
    const file = resolveStatic(dir, req.url ?? "/");
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok(server));
  });
}
