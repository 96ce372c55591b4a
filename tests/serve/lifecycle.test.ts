/** `promotor serve`'s server in-process with a real HTTP listener: it binds 127.0.0.1 by
 * default, answers through Cube's gateway (403 with the reason for a bad token), restarts on a
 * rebuilt warehouse and stops on Node 24 without an error, leaving exactly one snapshot while it
 * runs and none after (issue #11 defects 3, 4 and 6). Runs without the native module. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { get } from "node:http";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse } from "../../src/lib/duckdb.ts";
import { DEFAULT_HOST } from "../../src/serve/config.ts";
import { serve, type RunningServer } from "../../src/serve/server.ts";
import { issueToken } from "../../src/token/token.ts";
import { buildFixtureWarehouse, SMALL } from "../semantic/fixture.ts";
import { restLoad } from "./cube-in-process.ts";

/** GET on a new connection each time: a keep-alive socket pooled before a restart would be
 * closed by the old server, and fetch does not retry on it. */
function status(url: string, headers: Record<string, string> = {}): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    }).on("error", reject);
  });
}

const SECRET = "lifecycle-test-secret-0123456789abcdef";

/** Whether something accepts TCP connections on host:port (gives up after 2 s). */
async function accepts(host: string, port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

const externalAddress = (): string | undefined =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

describe("the served Cube server: bind, answer, reload, stop", () => {
  let fixture: { path: string; dir: string; cleanup(): void };
  let root: string;
  let running: RunningServer | undefined;
  const logs: string[] = [];
  const savedSecret = process.env["CUBEJS_API_SECRET"];
  const snapshots = () => readdirSync(join(root, ".promotor", "serve")).filter((f) => f.endsWith(".duckdb"));

  beforeAll(async () => {
    process.env["CUBEJS_API_SECRET"] = SECRET;
    fixture = await buildFixtureWarehouse(SMALL, "lifecycle");
    root = mkdtempSync(join(tmpdir(), "promotor-serve-root-"));
  });
  afterAll(async () => {
    await running?.stop().catch(() => undefined);
    fixture?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
    if (savedSecret === undefined) delete process.env["CUBEJS_API_SECRET"];
    else process.env["CUBEJS_API_SECRET"] = savedSecret;
  });

  it("starts on 127.0.0.1 by default: reachable on loopback, not from the network (defect 6)", async () => {
    running = await serve({ root, warehouse: fixture.path, host: DEFAULT_HOST, ports: { api: 0, sql: 0 }, sqlApi: false, reloadIntervalMs: 0, log: (l) => logs.push(l) });
    expect(running.address).toBe("127.0.0.1");
    expect((await fetch(`http://127.0.0.1:${running.apiPort}/readyz`)).status).toBe(200);
    const external = externalAddress();
    if (external) expect(await accepts(external, running.apiPort)).toBe(false);
    expect(snapshots()).toHaveLength(1);
  });

  it("answers 403 with the reason over HTTP for a missing or forged token, and 200 for a valid one", async () => {
    const url = `http://127.0.0.1:${running!.apiPort}/cubejs-api/v1/meta`;
    const missing = await fetch(url);
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as { error: string }).error).toMatch(/no token was given.*promotor token/);
    const forged = await fetch(url, { headers: { authorization: issueToken({ role: "executive" }, { secret: "x".repeat(40) }).token } });
    expect(forged.status).toBe(403);
    expect(((await forged.json()) as { error: string }).error).toMatch(/invalid signature/);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${issueToken({ role: "executive" }, { secret: SECRET }).token}` } });
    expect(ok.status).toBe(200);
    const names = ((await ok.json()) as { cubes: { name: string }[] }).cubes.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["nps", "drivers", "krs", "csat", "ces"]));
  });

  it("restarts on the rebuilt warehouse, on the same port, keeping exactly one snapshot (defect 4)", async () => {
    const port = running!.apiPort;
    const before = running!.snapshot.path;
    expect(await running!.reloadIfChanged()).toBe(false);
    const writer = await openWarehouse(fixture.path);
    await writer.connection.run("DELETE FROM marts.fct_nps_responses WHERE recommend_score < 5");
    await writer.connection.run("CHECKPOINT");
    writer.close();
    expect(await running!.reloadIfChanged()).toBe(true);
    expect(logs.join("\n")).not.toMatch(/reload (postponed|failed)/);
    expect(running!.reloads).toBe(1);
    expect(running!.snapshot.path).not.toBe(before);
    expect(running!.apiPort).toBe(port);
    expect(snapshots()).toEqual([running!.snapshot.path.split("/").pop()]);
    expect((await status(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // The new data: scores below 5 were r05, r08, r12.
    const answer = await restLoad(running!.cube, issueToken({ role: "executive" }, { secret: SECRET }).token, { measures: ["nps.responses"] });
    expect(Number(answer.rows?.[0]?.["nps.responses"])).toBe(9);
  });

  it("keeps serving the previous data, with one snapshot, when the rebuilt warehouse cannot be served", async () => {
    const port = running!.apiPort;
    const serving = running!.snapshot.path;
    const writer = await openWarehouse(fixture.path);
    await writer.connection.run("ALTER TABLE marts.fct_nps_responses RENAME TO fct_nps_responses_gone");
    await writer.connection.run("CHECKPOINT");
    writer.close();
    const before = logs.length;
    for (let attempt = 0; attempt < 3; attempt++) expect(await running!.reloadIfChanged()).toBe(false);
    // Tried once (the server was never stopped for it), not again until the warehouse changes.
    expect(logs.slice(before)).toEqual([expect.stringMatching(/^reload failed, serving the previous data again: .*fct_nps_responses does not exist/)]);
    expect(running!.snapshot.path).toBe(serving);
    expect(snapshots()).toEqual([serving.split("/").pop()]);
    expect(running!.apiPort).toBe(port);
    const answer = await restLoad(running!.cube, issueToken({ role: "executive" }, { secret: SECRET }).token, { measures: ["nps.responses"] });
    expect(Number(answer.rows?.[0]?.["nps.responses"])).toBe(9);
  });

  it("stops without an error, frees the port and removes the snapshot (defect 4)", async () => {
    const port = running!.apiPort;
    await expect(running!.stop()).resolves.toBeUndefined();
    await running!.stopped;
    expect(await accepts("127.0.0.1", port)).toBe(false);
    expect(snapshots()).toEqual([]);
    running = undefined;
  });
});
