import { parseArgs } from "node:util";
import { PromotorError } from "../../lib/errors.ts";
import { table } from "../../lib/format.ts";
import { readApiSecret } from "../../token/secret.ts";
import { DEFAULT_TTL_SECONDS, issueToken, parseDuration, ROLES, type Role } from "../../token/token.ts";
import type { Command } from "../command.ts";

export const tokenCommand: Command = {
  name: "token",
  summary: "print a short-lived JWT for the Cube API and live embeds (signed with CUBEJS_API_SECRET, else the local secret)",
  usage: "token --role executive|business_unit|account_manager [--business-unit X] [--account-manager NAME] [--expires 15m]",
  async run(args, ctx) {
    let values: { role?: string; "business-unit"?: string; "account-manager"?: string; expires?: string; quiet?: boolean };
    try {
      ({ values } = parseArgs({
        args,
        options: {
          role: { type: "string" },
          "business-unit": { type: "string" },
          "account-manager": { type: "string" },
          expires: { type: "string" },
          quiet: { type: "boolean", short: "q" },
        },
        strict: true,
        allowPositionals: false,
      }));
    } catch (error) {
      throw new PromotorError(error instanceof Error ? error.message : String(error), { hint: `promotor ${tokenCommand.usage}` });
    }
    if (!values.role) throw new PromotorError("--role is required", { hint: `one of: ${ROLES.join(", ")}` });
    const secret = readApiSecret({ root: ctx.root }).value;
    const issued = issueToken(
      { role: values.role as Role, business_unit: values["business-unit"], account_manager: values["account-manager"] },
      { secret, ttlSeconds: values.expires ? parseDuration(values.expires) : DEFAULT_TTL_SECONDS },
    );
    // The token alone on stdout, so `TOKEN=$(promotor token ...)` works; the summary goes to stderr.
    ctx.stdout.write(issued.token + "\n");
    if (!values.quiet) {
      const scope = [issued.claims.business_unit, issued.claims.account_manager].filter(Boolean).join(" / ") || "all rows";
      ctx.stderr.write(
        table(["role", "scope", "expires (UTC)"], [[issued.claims.role, scope, issued.expiresAt]]) + "\n",
      );
    }
    return 0;
  },
};
