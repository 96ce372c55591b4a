/** Serving: the Cube REST and SQL API over the warehouse (`promotor serve`). */
export { probeCubeNative, nativeMissingError, nativeArtifact, type NativeProbe } from "./native.ts";
export { resolvePorts, resolveHost, resolveCorsOrigins, resolveSqlApi, requireServerSecret, serverConfig, DEFAULT_PORTS, DEFAULT_HOST, type ServePorts } from "./config.ts";
export { createCubeServer, listenCube, stopCube, sqlLogin, type CubeServer } from "./cube.ts";
export { checkServer, type ServerCheck } from "./check.ts";
export { serve, probeWarehouse, type RunningServer, type ServeOptions } from "./server.ts";
export { takeSnapshot, warehouseStamp, removeSnapshots } from "./snapshot.ts";

import { probeCubeNative, nativeMissingError } from "./native.ts";

/** For `npm start`: whether `promotor serve` can run here, and if not the full message to show
 * before carrying on with what works. */
export async function serveReadiness(): Promise<{ ok: true } | { ok: false; message: string }> {
  const probe = await probeCubeNative();
  return probe.available ? { ok: true } : { ok: false, message: nativeMissingError(probe).describe() };
}
