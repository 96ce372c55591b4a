/** The live tests' harness gives up quickly and never hangs (issue #11 defect 7): waiting for a
 * server that already exited fails at once, and cleanup after a failed start returns at once. */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { closeHttpServer, freePort, startServe, stopChild, waitForHttp } from "./helpers.ts";

describe("live-test harness", () => {
  it("stops waiting within 10 s when the server child has exited, saying so", async () => {
    const child = spawn(process.execPath, ["-e", "process.exit(3)"], { stdio: "ignore" });
    const started = Date.now();
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/readyz`, { child })).rejects.toThrow(/exited with code 3/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it("fails promotor serve's start within 10 s when the server exits early (here: no CUBEJS_API_SECRET or no native module)", async () => {
    const started = Date.now();
    await expect(startServe(["--warehouse", "/nonexistent/promotor.duckdb", "serve"], { CUBEJS_API_SECRET: "" })).rejects.toThrow(/exited with code/);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 15_000);

  it("gives up on a URL that never answers after the time given", async () => {
    const started = Date.now();
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/readyz`, { ms: 500 })).rejects.toThrow(/did not answer within 0.5 s/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("cleans up at once when nothing was started, and kills a child that ignores SIGTERM", async () => {
    const started = Date.now();
    await closeHttpServer(undefined);
    await stopChild(undefined);
    await closeHttpServer(createServer());
    expect(Date.now() - started).toBeLessThan(1_000);
    const stubborn = spawn(process.execPath, ["-e", "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise((r) => stubborn.stdout!.once("data", r));
    const t = Date.now();
    await stopChild(stubborn, 300);
    expect(stubborn.signalCode).toBe("SIGKILL");
    expect(Date.now() - t).toBeLessThan(5_000);
  });
});
