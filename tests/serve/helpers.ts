/** Shared by the serve tests: whether Cube's native module loads here, free ports, and a
 * `promotor serve` child that is waited for briefly and always stopped (nothing hangs). */
import { spawn, type ChildProcess } from "node:child_process";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { probeCubeNative } from "../../src/serve/native.ts";

export const nativeProbe = await probeCubeNative();
export const hasNative = nativeProbe.available;
export const noNativeReason = `@cubejs-backend/native is not loadable here (${nativeProbe.detail ?? "?"}): the Cube server cannot start; this test runs where the native module is installed`;

const root = join(import.meta.dirname, "..", "..");

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const exitText = (child: ChildProcess): string | undefined =>
  child.exitCode !== null ? `exited with code ${child.exitCode}` : child.signalCode !== null ? `was killed by ${child.signalCode}` : undefined;

/** Polls a URL until it answers 200 (the Cube server's /readyz). Gives up after `ms`, and at once
 * when `child` (the server process) has exited, saying so. Each request gives up after 2 s. */
export async function waitForHttp(url: string, options: { ms?: number; child?: ChildProcess } = {}): Promise<void> {
  const ms = options.ms ?? 30_000;
  const until = Date.now() + ms;
  for (;;) {
    const exited = options.child && exitText(options.child);
    if (exited) throw new Error(`the server process ${exited} before ${url} answered (its output is above)`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export async function stopChild(child: ChildProcess | undefined, graceMs = 5_000): Promise<void> {
  if (!child || exitText(child) || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Closes an HTTP server if there is one (a failed beforeAll may have left none). */
export async function closeHttpServer(server: Server | undefined): Promise<void> {
  if (!server?.listening) return;
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** `promotor serve` in a child process, ready when /readyz answers; fails within `ms` (and at
 * once when the child exits), stopping the child then. */
export async function startServe(args: string[], env: NodeJS.ProcessEnv, ms = 30_000): Promise<{ child: ChildProcess; apiPort: number }> {
  const apiPort = await freePort();
  const child = spawn(process.execPath, [join(root, "bin", "promotor.mjs"), ...args, "--port", String(apiPort), "--no-reload"], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: "inherit",
  });
  try {
    await waitForHttp(`http://127.0.0.1:${apiPort}/readyz`, { ms, child });
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { child, apiPort };
}
