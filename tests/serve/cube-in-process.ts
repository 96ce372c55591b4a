/** Test helpers: the Cube server `promotor serve` builds, driven in-process through Cube's own
 * ApiGateway (no native module needed up to the result transform, which is Cube's Rust code). */
import type { CubeServer } from "../../src/serve/cube.ts";

// Cube logs every query at info level; the tests keep warnings and errors.
process.env["CUBEJS_LOG_LEVEL"] ??= "warn";

export interface RestAnswer {
  status: number;
  error?: string;
  /** Rows keyed by member name (Cube's aliasNameToMember applied to the driver's rows). */
  rows?: Record<string, unknown>[];
  usedPreAggregations?: Record<string, unknown>;
}

interface ResultWrapperLike {
  isWrapper?: boolean;
  getArray(): Record<string, unknown>[];
  getTransformData(): { aliasToMemberNameMap: Record<string, string> }[];
  getRootResultObject(): { usedPreAggregations?: Record<string, unknown> }[];
}

/** A /load request as the REST API handles it: Cube's checkAuth middleware (status and message as
 * it would answer them), then ApiGateway.load up to the rows the orchestrator returned. */
export async function restLoad(cube: CubeServer, authorization: string | undefined, query: object): Promise<RestAnswer> {
  const gateway = cube.core.apiGateway() as unknown as {
    checkAuth(req: unknown, res: unknown, next: () => void): Promise<void>;
    contextByReq(req: unknown, securityContext: unknown, requestId: string): Promise<unknown>;
    load(request: { query: unknown; context: unknown; res: (result: unknown, extra?: { status?: number }) => void }): Promise<void>;
  };
  const req: Record<string, unknown> = { headers: authorization === undefined ? {} : { authorization }, url: "/cubejs-api/v1/load" };
  let refused: RestAnswer | undefined;
  let passed = false;
  const res = {
    status(code: number) {
      return { json: (body: { error?: string }) => (refused = { status: code, error: body.error ?? "" }) };
    },
  };
  await gateway.checkAuth(req, res, () => (passed = true));
  if (!passed) return refused ?? { status: 500, error: "checkAuth neither passed nor refused" };
  const context = await gateway.contextByReq(req, req["securityContext"], "promotor-test");
  let answer: { result: unknown; status: number } | undefined;
  await gateway.load({ query, context, res: (result, extra) => (answer = { result, status: extra?.status ?? 200 }) });
  if (!answer) return { status: 500, error: "no answer" };
  const result = answer.result as ResultWrapperLike & { error?: string };
  if (!result.isWrapper) return { status: answer.status, error: String(result.error) };
  const aliases = result.getTransformData()[0]!.aliasToMemberNameMap;
  const rows = result.getArray().map((row) => Object.fromEntries(Object.entries(row).map(([alias, value]) => [aliases[alias] ?? alias, value])));
  return { status: answer.status, rows, usedPreAggregations: result.getRootResultObject()[0]!.usedPreAggregations ?? {} };
}
