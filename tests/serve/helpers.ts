/** Shared by the serve tests: whether Cube's native module loads here, and free ports. */
import { createServer } from "node:net";
import { probeCubeNative } from "../../src/serve/native.ts";

export const nativeProbe = await probeCubeNative();
export const hasNative = nativeProbe.available;
export const noNativeReason = `@cubejs-backend/native is not loadable here (${nativeProbe.detail ?? "?"}): the Cube server cannot start; this test runs where the native module is installed`;

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

/** Polls a URL until it answers 200 (the Cube server's /readyz), or fails after `ms`. */
export async function waitForHttp(url: string, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
