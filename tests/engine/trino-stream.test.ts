/** A long transfer from Trino (the pages' copy of 10 million rows) runs as long as rows keep
 * coming; a stalled one still fails within its limit. Found at 10M: the copy of one mart was
 * killed by the 300 s statement limit while it was streaming rows. Against a stand-in server
 * that speaks Trino's client protocol (POST /v1/statement, then nextUri pages), so that CI
 * needs no Trino. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRINO_DEFAULTS, type TrinoSettings } from "../../src/engine/settings.ts";
import { PromotorError } from "../../src/lib/errors.ts";
import { trinoStream } from "../../src/trino/client.ts";

/** Answers a statement with `batches` pages of two rows, each `delayMs` after the poll for it;
 * with `stallAfter`, the page after that many never comes. */
function standIn(batches: number, delayMs: number, stallAfter?: number): Promise<{ server: Server; port: number; cancelled: () => boolean }> {
  let cancelled = false;
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const send = (body: unknown): void => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "DELETE") {
      cancelled = true;
      res.writeHead(204).end();
      return;
    }
    if (req.method === "POST") {
      req.resume();
      send({ id: "q1", infoUri: `${base}/ui/q1`, nextUri: `${base}/v1/statement/q1/1`, stats: { state: "QUEUED" } });
      return;
    }
    const page = Number(/\/(\d+)$/.exec(req.url ?? "")?.[1] ?? 1);
    if (stallAfter !== undefined && page > stallAfter) return; // never answers
    setTimeout(() => {
      send({
        id: "q1",
        infoUri: `${base}/ui/q1`,
        ...(page < batches ? { nextUri: `${base}/v1/statement/q1/${page + 1}` } : {}),
        columns: [{ name: "n", type: "varchar" }],
        data: [[`${page}a`], [`${page}b`]],
        stats: { state: page < batches ? "RUNNING" : "FINISHED" },
      });
    }, delayMs);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as AddressInfo).port, cancelled: () => cancelled })));
}

const settings = (port: number): TrinoSettings => ({ ...TRINO_DEFAULTS, port, password: undefined, tls: false });

describe("a long transfer from Trino", () => {
  let slow: Awaited<ReturnType<typeof standIn>>;
  let stalled: Awaited<ReturnType<typeof standIn>>;
  beforeAll(async () => {
    slow = await standIn(4, 1_200);
    stalled = await standIn(4, 100, 1);
  });
  afterAll(() => {
    slow.server.closeAllConnections();
    slow.server.close();
    stalled.server.closeAllConnections();
    stalled.server.close();
  });

  it("runs past its limit while rows keep coming (the limit counts from the last rows)", async () => {
    const rows: unknown[][] = [];
    const started = performance.now();
    await trinoStream(settings(slow.port), "SELECT n FROM big", (batch) => rows.push(...batch), { timeoutSeconds: 2, limitSinceLastRows: true });
    expect((performance.now() - started) / 1000).toBeGreaterThan(4);
    expect(rows.map((r) => r[0])).toEqual(["1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b"]);
  });

  it("without it, the same transfer fails at its limit, counted from the start", async () => {
    const error = await trinoStream(settings(slow.port), "SELECT n FROM big", () => undefined, { timeoutSeconds: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PromotorError);
    expect((error as PromotorError).describe()).toMatch(/did not answer within 2 s: SELECT n FROM big/);
  });

  it("a transfer that stops sending rows fails within its limit and says so", async () => {
    const started = performance.now();
    const error = await trinoStream(settings(stalled.port), "SELECT n FROM big", () => undefined, { timeoutSeconds: 2, limitSinceLastRows: true }).catch((e: unknown) => e);
    const seconds = (performance.now() - started) / 1000;
    expect(seconds).toBeGreaterThan(1.9);
    expect(seconds).toBeLessThan(5);
    expect(error).toBeInstanceOf(PromotorError);
    expect((error as PromotorError).describe()).toMatch(/^Trino at http:\/\/127\.0\.0\.1:\d+ \(iceberg\.promotor, user promotor\) sent no rows for 2 s: SELECT n FROM big\n {2}fix: raise trino\.query_timeout/);
  });
});
