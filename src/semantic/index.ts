/** Public API of the semantic layer (docs/semantic.md). Evidence sources, static charts and the
 * Cube server build on it: add, don't rename. */
export type * from "./types.ts";
export { ROLES } from "./types.ts";
export { createSemanticLayer, InProcessSemanticLayer } from "./layer.ts";
export {
  checkAuth,
  checkSqlAuth,
  contextToGroups,
  makeCheckSqlAuth,
  normalizeSecurityContext,
  sqlUsersFromEnv,
  isRole,
  EXECUTIVE,
} from "./security.ts";
// The one token verification and signing (src/token), for embeds and other servers.
export { verifyToken, issueToken, TokenRefused } from "../token/token.ts";
export { readApiSecret } from "../token/secret.ts";
export { PromotorSchemaRepository, DEFAULT_MODEL_DIR, minimumSampleFromEnv, type SchemaFileRepository } from "./repository.ts";
export { cubeNativeStatus, hasCubeNative, configurePlanner, chosenPlanner } from "./native.ts";
export { createCompilerApi, jsOnlyNativeInstance, PRE_AGGREGATIONS_SCHEMA } from "./compiler.ts";
export { inlineParams } from "./inline.ts";
export { closeMatches } from "./suggest.ts";
export { cubeConfig } from "./config.ts";
