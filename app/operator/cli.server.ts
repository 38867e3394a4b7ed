import { parseArgs } from "node:util";
import type { Db } from "../db.server";
import {
  explainCustomer,
  flowReport,
  inboxReport,
  memberReport,
  outboxReport,
  segmentReport,
  shopId,
  UnknownCustomer,
  UnknownSegment,
  UnknownShop,
} from "./reports.server";
import { table } from "./table";
import type { JobQueue } from "../jobs/queue.server";
import { startSyncFromCli, switchFlow, syncStatus, syncStatusText, UnknownFlow } from "./sync-cli.server";
import { ProviderRegistry } from "../messaging/providers/registry.server";
import { TwilioCredentials } from "../messaging/providers/twilio.server";
import { secretBoxFromEnv } from "../security/secrets.server";
import { resealSecrets } from "../security/rotate.server";

export const USAGE = `usage: npm run cli -- <command> --shop <domain> [options] [--json]

commands:
  segments --shop S                    segments with member counts and backfill progress
  members <segment-key> --shop S       the newest members of a segment  [--limit N, default 100]
  explain --shop S --customer C        a customer's segments, since when, and why (C: Shopify customer id)
  inbox --shop S                       recent webhooks and the failed or rejected ones  [--limit N, default 50]
  outbox --shop S                      recent messages: status, source, gate holds, errors  [--limit N] [--bodies]
  flows --shop S                       flows: on/off, runs waiting / completed / exited (and why), texts sent
  flows enable|disable <key> --shop S  turn a flow on or off (keys: see flows)
  sync start --shop S                  fetch the store's history (bulk queries); segments are computed at the end
                                       and no flow starts from it  [--order-days N, default 730]
  sync status --shop S                 the latest sync: per resource, counts, estimated time left

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

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The process's job engine, connected only for commands that queue work (sync start). */
  jobs?: () => Promise<JobQueue>;
}

/** The operator CLI (scripts/cli.ts). Returns the process exit code: 0 ok, 2 usage or lookup error. */
export async function runCli(
  db: Db,
  argv: string[],
  io: CliIo,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
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
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, arg] = positionals;
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  if (command === "rotate-keys") return rotateKeys(db, io, env);
  if (!values.shop) {
    io.err(`--shop is required\n\n${USAGE}`);
    return 2;
  }
  const limit = values.limit ? Number(values.limit) : undefined;
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    io.err(`--limit must be a positive integer, got ${values.limit}`);
    return 2;
  }
  const print = (report: unknown, text: () => string) => io.out(values.json ? JSON.stringify(report, null, 2) : text());
  try {
    switch (command) {
      case "segments": {
        const report = await segmentReport(db, values.shop);
        print(report, () =>
          table(
            ["key", "name", "kind", "members", "backfill"],
            report.map((s) => [
              s.key,
              s.name,
              s.kind,
              String(s.members),
              s.backfill ? (s.backfill.done ? "done" : `${s.backfill.evaluated}/${s.backfill.total}`) : "",
            ]),
          ),
        );
        return 0;
      }
      case "members": {
        if (!arg) throw new UsageError("members needs a segment key (see the segments command)");
        const report = await memberReport(db, values.shop, arg, limit);
        print(report, () =>
          [
            `${report.segment.name} (${report.segment.key}): ${report.segment.members} members, newest ${report.shown} shown`,
            table(
              ["customer", "phone", "consent", "country", "since"],
              report.members.map((m) => [m.customer, m.phone ?? "", m.consent, m.country ?? "", m.since]),
            ),
          ].join("\n"),
        );
        return 0;
      }
      case "explain": {
        if (!values.customer) throw new UsageError("explain needs --customer <Shopify customer id>");
        const report = await explainCustomer(db, values.shop, values.customer);
        print(report, () => {
          const c = report.customer;
          return [
            `customer ${c.id}  phone ${c.phone ?? "-"}  consent ${c.consent}  orders ${c.ordersCount}  last order ${c.lastOrderAt ?? "-"}  time zone ${c.timeZone ?? "-"}${c.redacted ? "  (redacted)" : c.deleted ? "  (deleted)" : ""}`,
            "",
            "segments now:",
            report.segments.length
              ? table(
                  ["segment", "since", "because"],
                  report.segments.map((s) => [s.key, s.since, s.because]),
                )
              : "  (none)",
            "",
            "history:",
            report.history.length
              ? table(
                  ["at", "segment", "change", "because"],
                  report.history.map((h) => [h.at, h.segment, h.change, h.because]),
                )
              : "  (none)",
          ].join("\n");
        });
        return 0;
      }
      case "inbox": {
        const report = await inboxReport(db, values.shop, limit);
        const rows = (list: typeof report.recent) =>
          table(
            ["received", "topic", "status", "attempts", "webhook id", "error"],
            list.map((w) => [w.receivedAt, w.topic, w.status, String(w.attempts), w.webhookId, w.error ?? ""]),
          );
        print(report, () =>
          [
            `counts: ${
              Object.entries(report.counts)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ") || "none"
            }`,
            "",
            "needing attention:",
            report.problems.length ? rows(report.problems) : "  (none)",
            "",
            "recent:",
            report.recent.length ? rows(report.recent) : "  (none)",
          ].join("\n"),
        );
        return 0;
      }
      case "outbox": {
        const report = await outboxReport(db, values.shop, { limit, bodies: values.bodies });
        print(report, () =>
          [
            `counts: ${
              Object.entries(report.counts)
                .map(([k, v]) => `${k} ${v}`)
                .join(", ") || "none"
            }`,
            "",
            table(
              ["created", "dir", "status", "to", "source", "segs", "held / error", ...(values.bodies ? ["body"] : [])],
              report.messages.map((m) => [
                m.createdAt,
                m.direction === "INBOUND" ? "in" : "out",
                m.status,
                m.to ?? "",
                m.source,
                String(m.segments),
                m.error ?? (m.status === "HELD" ? (m.lastGate ?? "") : ""),
                ...(values.bodies ? [m.body ?? ""] : []),
              ]),
            ),
          ].join("\n"),
        );
        return 0;
      }
      case "flows": {
        if (arg === "enable" || arg === "disable") {
          const key = positionals[2];
          if (!key) throw new UsageError(`flows ${arg} needs a flow key (see the flows command)`);
          io.out(await switchFlow(db, values.shop, key, arg === "enable"));
          return 0;
        }
        const report = await flowReport(db, values.shop);
        print(report, () =>
          table(
            ["flow", "on", "running", "waiting", "completed", "exited", "sent", "exit reasons"],
            report.map((f) => [
              f.key,
              f.enabled ? "yes" : "no",
              String(f.running),
              String(f.waiting),
              String(f.completed),
              String(f.exited),
              String(f.sent),
              Object.entries(f.exitReasons)
                .map(([k, v]) => `${k} ${v}`)
                .join(", "),
            ]),
          ),
        );
        return 0;
      }
      case "sync": {
        if (arg !== "start" && arg !== "status") throw new UsageError("sync needs start or status");
        const days = values["order-days"] ? Number(values["order-days"]) : undefined;
        if (days !== undefined && !(Number.isInteger(days) && days > 0))
          throw new UsageError(`--order-days must be a positive integer, got ${values["order-days"]}`);
        if (arg === "start") {
          if (!io.jobs) throw new UsageError("sync start needs the job engine (run it through npm run cli)");
          io.out(await startSyncFromCli(db, { domain: values.shop, queue: await io.jobs(), orderWindowDays: days }));
        } else {
          const report = await syncStatus(db, values.shop);
          print(report, () => syncStatusText(report));
        }
        return 0;
      }
      case "use-twilio":
      case "use-outbox": {
        const id = await shopId(db, values.shop);
        if (command === "use-outbox") {
          await new ProviderRegistry(db, null).useOutbox(id);
          io.out(`${values.shop}: texts go to the local outbox`);
          return 0;
        }
        if (!env.APP_ENCRYPTION_KEY)
          throw new UsageError("APP_ENCRYPTION_KEY must be set: credentials are stored sealed with it");
        const credentials = TwilioCredentials.safeParse({
          accountSid: values["account-sid"],
          authToken: env.TWILIO_AUTH_TOKEN,
          from: values.from,
          messagingServiceSid: values["messaging-service"],
          ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
        });
        if (!credentials.success)
          throw new UsageError(
            credentials.error.issues.map((i) => `${i.path.join(".") || "credentials"}: ${i.message}`).join("\n"),
          );
        await new ProviderRegistry(db, secretBoxFromEnv(env)).useTwilio(id, credentials.data);
        io.out(`${values.shop}: texts go through Twilio account ${credentials.data.accountSid}`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (
      error instanceof UnknownShop ||
      error instanceof UnknownSegment ||
      error instanceof UnknownCustomer ||
      error instanceof UnknownFlow
    ) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}

async function rotateKeys(db: Db, io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const box = secretBoxFromEnv(env);
  if (!box) {
    io.err("APP_ENCRYPTION_KEY must be set to the new key (and APP_ENCRYPTION_PREVIOUS_KEYS to the old ones)");
    return 2;
  }
  const r = await resealSecrets(db, box);
  io.out(
    `sealed with key ${r.keyId}: ${r.sessionTokens} session tokens and ${r.providerCredentials} provider credentials re-sealed, ${r.unchanged} already current`,
  );
  return 0;
}
