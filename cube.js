// Cube configuration for `promotor serve` (Cube REST + SQL API). Everything lives in
// src/semantic/config.ts so the in-process layer (`promotor query`) and the server share the
// model repository (TypeScript measures -> generated promotor_measures.js), JWT auth
// (CUBEJS_API_SECRET from the environment), role -> group mapping for the model's access
// policies, and SQL API users (CUBEJS_SQL_USER / CUBEJS_SQL_PASSWORD, PROMOTOR_SQL_USERS).
// The serving defaults of src/serve/config.ts apply here too, for anyone who starts Cube's own
// `cubejs-server` on this file: CORS only for PROMOTOR_CORS_ORIGINS, a 32-byte secret from
// CUBEJS_API_SECRET (Cube's own server listens on every interface, so the local secret of
// `promotor start` is refused here), no whole tokens in the log. (`promotor serve` adds the loopback address, the snapshot and the reload.)
// Load it under tsx (bin/promotor.mjs registers it): it imports TypeScript.
import { cubeConfig } from "./src/semantic/config.ts";
import { corsOptions, redactingLogger, requireServerSecret, resolveCorsOrigins } from "./src/serve/config.ts";

export default {
  ...cubeConfig(),
  apiSecret: requireServerSecret(process.env, "0.0.0.0"),
  http: { cors: corsOptions(resolveCorsOrigins(undefined)) },
  logger: redactingLogger(),
};
