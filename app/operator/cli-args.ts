import { parseArgs } from "node:util";

export const USAGE = `usage: npm run cli -- <command> --shop <domain> [options] [--json]

commands:
  segments --shop S                    segments with member counts and backfill progress
  members <segment-key> --shop S       the newest members of a segment  [--limit N, default 100]
  explain --shop S --customer C        a customer's segments, since when, and why (C: Shopify customer id,
                                       numeric or gid://shopify/Customer/<id>)
  inbox --shop S                       recent webhooks and the failed or rejected ones  [--limit N, default 50]
  outbox --shop S                      recent messages: status, source, gate holds, errors  [--limit N] [--bodies]
  flows --shop S                       flows: on/off, runs waiting / completed / exited (and why), texts sent
  flows enable|disable <key> --shop S  turn a flow on or off (keys: see flows)
  sync start --shop S                  fetch the store's history (bulk queries); segments are computed at the end
                                       and no flow starts from it  [--order-days N, default 730]
  sync status --shop S                 the latest sync: per resource, counts, estimated time left
  data-exports --shop S                customers/data_request exports waiting to be sent on (kept 30 days)
  data-exports <id> --shop S           one export's data, as JSON, for the merchant to send the shopper

settings:
  use-twilio --shop S --account-sid AC… (--from +1… | --messaging-service MG…) [--base-url URL]
                                       send through Twilio; the auth token is read from TWILIO_AUTH_TOKEN
                                       and stored sealed with APP_ENCRYPTION_KEY
  use-outbox --shop S                  back to the local outbox (nothing is sent)

security:
  rotate-keys                          re-seal every stored secret (Shopify session tokens, provider
                                       credentials) with APP_ENCRYPTION_KEY; values sealed with a key in
                                       APP_ENCRYPTION_PREVIOUS_KEYS, the old format or in clear are upgraded
                                       (all shops; no --shop)

--json prints the same report as JSON, for scripts.`;

/** A mistake in the command line: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/**
 * A customer id as an operator copies it: the numeric id webhooks carry, or the Admin API's
 * gid. Kept as digits (never a JS number: Shopify's ids go beyond 2^53).
 */
export function customerIdArg(input: string): string {
  const match = /^(?:gid:\/\/shopify\/Customer\/)?(\d{1,20})$/.exec(input.trim());
  if (!match)
    throw new UsageError(
      `--customer takes a numeric Shopify customer id or gid://shopify/Customer/<id>, not "${input}"`,
    );
  return match[1]!;
}

const OPTIONS = {
  shop: { type: "string" },
  customer: { type: "string" },
  limit: { type: "string" },
  json: { type: "boolean" },
  bodies: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  "account-sid": { type: "string" },
  from: { type: "string" },
  "messaging-service": { type: "string" },
  "base-url": { type: "string" },
  "order-days": { type: "string" },
} as const;

export type CliValues = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** One command line, checked: what to run, on which shop, with which options. */
export interface CliArgs {
  command: string;
  /** The positionals after the command (`members <key>`, `flows enable <key>`, `sync start`). */
  args: string[];
  values: CliValues;
  limit?: number;
  orderDays?: number;
}

/** Parses argv; `help` when the usage was asked for or no command given. Throws UsageError. */
export function parseCliArgs(argv: string[]): CliArgs | "help" | "no-command" {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help) return "help";
  if (!command) return "no-command";
  return {
    command,
    args,
    values,
    limit: positiveInteger("--limit", values.limit),
    orderDays: positiveInteger("--order-days", values["order-days"]),
  };
}

function positiveInteger(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`${flag} must be a positive integer, got ${value}`);
  return n;
}
