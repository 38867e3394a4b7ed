import type { Db } from "../db.server";
import type { JobQueue } from "../jobs/queue.server";
import { ProviderRegistry } from "../sms/registry.server";
import { TwilioCredentials } from "../sms/twilio.server";
import { hashesUnderOtherKeys, resealSecrets } from "../security/rotate.server";
import { secretBoxFromEnv } from "../security/secrets.server";
import { customerIdArg, UsageError, type CliArgs } from "./cli-args";
import {
  dataExportsText,
  explainText,
  flowsText,
  inboxText,
  membersText,
  outboxText,
  segmentsText,
} from "./cli-format";
import { listDataExports, readDataExport } from "../privacy/gdpr.server";
import {
  explainCustomer,
  flowReport,
  inboxReport,
  memberReport,
  outboxReport,
  segmentReport,
  shopId,
} from "./reports.server";
import { startSyncFromCli, switchFlow, syncStatus, syncStatusText } from "./sync-cli.server";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** The process's job engine, connected only for commands that queue work (sync start). */
  jobs?: () => Promise<JobQueue>;
}

/** What a shop command gets: the database, the checked command line, its shop, where to print, the environment. */
export interface ShopCommandContext {
  db: Db;
  cli: CliArgs;
  shop: string;
  io: CliIo;
  env: Record<string, string | undefined>;
  /** Prints the report as JSON with --json, else as the text the formatter makes of it. */
  print<R>(report: R, text: (report: R) => string): void;
}

type ShopCommand = (ctx: ShopCommandContext) => Promise<void>;

/** Every command that works on one shop (`--shop S`), by name. */
export const SHOP_COMMANDS: Record<string, ShopCommand> = {
  segments: async ({ db, shop, print }) => print(await segmentReport(db, shop), segmentsText),
  members: async ({ db, shop, cli, print }) => {
    const [key] = cli.args;
    if (!key) throw new UsageError("members needs a segment key (see the segments command)");
    print(await memberReport({ db, domain: shop, segmentKey: key, limit: cli.limit }), membersText);
  },
  explain: async ({ db, shop, cli, print }) => {
    if (!cli.values.customer) throw new UsageError("explain needs --customer <Shopify customer id>");
    print(await explainCustomer(db, shop, customerIdArg(cli.values.customer)), explainText);
  },
  inbox: async ({ db, shop, cli, print }) => print(await inboxReport(db, shop, cli.limit), inboxText),
  outbox: async ({ db, shop, cli, print }) => {
    const bodies = Boolean(cli.values.bodies);
    print(await outboxReport(db, shop, { limit: cli.limit, bodies }), (report) => outboxText(report, bodies));
  },
  flows: async ({ db, shop, cli, io, print }) => {
    const [action, key] = cli.args;
    if (action === "enable" || action === "disable") {
      if (!key) throw new UsageError(`flows ${action} needs a flow key (see the flows command)`);
      io.out(await switchFlow({ db, domain: shop, key, enabled: action === "enable" }));
      return;
    }
    print(await flowReport(db, shop), flowsText);
  },
  sync: async ({ db, shop, cli, io, print }) => {
    const [action] = cli.args;
    if (action === "start") {
      if (!io.jobs) throw new UsageError("sync start needs the job engine (run it through npm run cli)");
      io.out(await startSyncFromCli(db, { domain: shop, queue: await io.jobs(), orderWindowDays: cli.orderDays }));
    } else if (action === "status") {
      print(await syncStatus(db, shop), syncStatusText);
    } else {
      throw new UsageError("sync needs start or status");
    }
  },
  "data-exports": async ({ db, shop, cli, io, print }) => {
    const id = await shopId(db, shop);
    const [exportId] = cli.args;
    if (!exportId) return print(await listDataExports(db, id), dataExportsText);
    const data = await readDataExport(db, id, exportId);
    if (!data) throw new UsageError(`${shop} holds no data export ${exportId} (see data-exports)`);
    io.out(JSON.stringify(data, null, 2));
  },
  "use-outbox": async ({ db, shop, io }) => {
    await new ProviderRegistry(db, null).useOutbox(await shopId(db, shop));
    io.out(`${shop}: texts go to the local outbox`);
  },
  "use-twilio": async ({ db, shop, cli, io, env }) => {
    const id = await shopId(db, shop);
    if (!env.APP_ENCRYPTION_KEY)
      throw new UsageError("APP_ENCRYPTION_KEY must be set: credentials are stored sealed with it");
    const credentials = TwilioCredentials.safeParse({
      accountSid: cli.values["account-sid"],
      authToken: env.TWILIO_AUTH_TOKEN,
      from: cli.values.from,
      messagingServiceSid: cli.values["messaging-service"],
      ...(cli.values["base-url"] ? { baseUrl: cli.values["base-url"] } : {}),
    });
    if (!credentials.success)
      throw new UsageError(
        credentials.error.issues.map((i) => `${i.path.join(".") || "credentials"}: ${i.message}`).join("\n"),
      );
    await new ProviderRegistry(db, secretBoxFromEnv(env)).useTwilio(id, credentials.data);
    io.out(`${shop}: texts go through Twilio account ${credentials.data.accountSid}`);
  },
};

/** Re-seals every stored secret with the current key (all shops). */
export async function rotateKeys(db: Db, io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const box = secretBoxFromEnv(env);
  if (!box) {
    io.err("APP_ENCRYPTION_KEY must be set to the new key (and APP_ENCRYPTION_PREVIOUS_KEYS to the old ones)");
    return 2;
  }
  const r = await resealSecrets(db, box);
  io.out(
    `sealed with key ${r.keyId}: ${r.sessionTokens} session tokens and ${r.providerCredentials} provider credentials re-sealed, ${r.unchanged} already current`,
  );
  const held = await hashesUnderOtherKeys(db, r.keyId);
  if (held.suppressions || held.facts)
    io.out(
      `keep the old keys in APP_ENCRYPTION_PREVIOUS_KEYS: ${held.suppressions} suppressed numbers and ${held.facts} consent facts of redacted shoppers are keyed hashes made under them, which cannot be re-sealed (the numbers are gone); without those keys a redacted STOP no longer blocks its number`,
    );
  return 0;
}
