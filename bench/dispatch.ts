import type { AppServices } from "../app/services";
import db from "../app/db.server";
import { systemClock } from "../app/clock";
import { ensureShop } from "../app/commerce/shops.server";
import { queue } from "../app/runtime/job-engine.server";
import { QUEUES, type JobQueue } from "../app/jobs/queue.server";
import { TableJobQueue } from "../app/jobs/table-queue.server";
import { jobHandlers } from "../app/runtime/job-handlers.server";
import { scheduleMessage } from "../app/schedule/messages.server";
import { ProviderRegistry } from "../app/sms/registry.server";
import { TwilioCredentials, TwilioProvider } from "../app/sms/twilio.server";
import { SendPacer } from "../app/sms/send-pacer";
import { SecretBox } from "../app/security/secrets.server";
import { startTwilioServer, type ReceivedSms } from "../test/support/twilio-server";
import type { BenchContext } from "./sections";
import { log, perSecond } from "./stats";
import { compared, plain, type BenchRow } from "./table";
import { startWorkers } from "../scripts/worker-process";

/**
 * Several shops, and a pace far above what a worker reaches: each shop's pace is shared by
 * every worker (messaging/send-pace), and the bench measures the send path, not the pacer.
 */
const SHOPS = 4;
const PACE_PER_SHOP = 10_000;
const ENCRYPTION_KEY = Buffer.alloc(32, 3).toString("base64");
/** Scheduled this far ahead, so nothing is due until every worker has started (see release). */
const HELD_BACK_MS = 24 * 3600_000;

/**
 * Dispatch throughput into a local Twilio-protocol server over real HTTP: marketing
 * messages scheduled for subscribed shoppers and sent by 1, 2, 4… real worker processes
 * (scripts/worker.ts on pg-boss: gates, compliance text, SENDING before / SENT after,
 * provider call), against the bare adapter posting the same number of messages with no
 * database, in the same run. Each SMS the server accepts is counted per recipient:
 * exactly once means no recipient got two and every message ended SENT.
 */
export async function benchDispatch(ctx: BenchContext): Promise<BenchRow[]> {
  const section = `Dispatch, ${ctx.database} + pg-boss`;
  const accountSid = `AC${"ab".repeat(16)}`;
  const authToken = "b".repeat(32);
  const twilio = await startTwilioServer({ [accountSid]: authToken });
  const credentials = TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url });
  const { messages } = ctx.options;
  try {
    const bareRate = await bareAdapterRate(credentials, messages);
    log(`bare adapter: ${perSecond(bareRate)}`);
    const providers = new ProviderRegistry(db, new SecretBox(ENCRYPTION_KEY));
    const shopIds = await setUpShops(providers, credentials);
    const rows: BenchRow[] = [
      plain(
        section,
        `pacing: ${SHOPS} shops, pace limit per shop shared by all workers (in the database; never waits)`,
        `${PACE_PER_SHOP.toLocaleString("en")}/s`,
      ),
      plain(
        section,
        "job fetch (PgBossJobQueue): send jobs in batches of 50, each batch sent as one (gates, claims, results in bulk)",
        "no idle wait",
      ),
    ];
    // Each round: fresh shoppers, the server's count from zero, then the exactly-once check.
    let round = 0;
    const measure = async (send: (round: number) => Promise<number>) => {
      round++;
      twilio.received.length = 0;
      const rate = await send(round);
      return {
        rate,
        check: await exactlyOnce(
          twilio.received.map((r) => r.params.To!),
          shopIds,
          round,
          messages,
        ),
      };
    };

    const drained = await measure((r) => drainInProcess(providers, shopIds, r, messages));
    log(`send jobs drained in-process: ${perSecond(drained.rate)}; ${drained.check}`);
    rows.push(
      compared(
        section,
        "SMS/s, send jobs drained back to back in one process (no fetch wait) vs bare adapter",
        drained.rate,
        bareRate,
        perSecond,
      ),
      plain(section, "exactly once (duplicates at the server; messages SENT), drained", drained.check),
    );

    const [first] = ctx.options.workers;
    let firstRate = 0;
    for (const workers of ctx.options.workers) {
      const { rate, check } = await measure((r) =>
        sendThroughWorkers(providers, shopIds, r, messages, workers, () => twilio.received),
      );
      log(`${workers} worker process(es): ${perSecond(rate)}; ${check}`);
      firstRate ||= rate;
      const label = `${workers} worker process${workers > 1 ? "es" : ""}`;
      if (workers !== first) rows.push(compared(section, `SMS/s, ${label} vs ${first}`, rate, firstRate, perSecond));
      rows.push(
        compared(section, `SMS/s, ${label} vs bare adapter`, rate, bareRate, perSecond),
        plain(section, `exactly once, ${label}`, check),
      );
    }
    return rows;
  } finally {
    await twilio.close();
  }
}

/** The baseline: the adapter alone, posting sequentially as one worker sends, no database. */
async function bareAdapterRate(credentials: TwilioCredentials, messages: number): Promise<number> {
  const bare = new TwilioProvider(credentials);
  const send = (i: number) =>
    bare.send({ to: `+4474009${String(i).padStart(5, "0")}`, body: "baseline", messageId: `m${i}` });
  for (let i = 0; i < 50; i++) await send(i); // warm-up (JIT, connection), untimed
  const t = performance.now();
  for (let i = 0; i < messages; i++) await send(i);
  return messages / ((performance.now() - t) / 1000);
}

/**
 * The send path alone: the send jobs drained back to back in this process (table queue, no
 * poll wait between jobs): what a worker could reach if fetching jobs were not the limit.
 */
async function drainInProcess(
  providers: ProviderRegistry,
  shopIds: string[],
  round: number,
  messages: number,
): Promise<number> {
  const jobs = new TableJobQueue(db);
  const deps = sendDeps(providers, jobs);
  await scheduleRound(deps, shopIds, round, messages, new Date());
  const t = performance.now();
  while ((await jobs.runDue(jobHandlers(deps), "bench", 200)) > 0) {
    /* drain */
  }
  return messages / ((performance.now() - t) / 1000);
}

/** Real worker processes on pg-boss; timed from the release to the last SMS the server accepts. */
async function sendThroughWorkers(
  providers: ProviderRegistry,
  shopIds: string[],
  round: number,
  messages: number,
  workers: number,
  received: () => ReceivedSms[],
): Promise<number> {
  await scheduleRound(sendDeps(providers, queue), shopIds, round, messages, new Date(Date.now() + HELD_BACK_MS));
  const fleet = await startWorkers(workers, { ...process.env, APP_ENCRYPTION_KEY: ENCRYPTION_KEY });
  try {
    const releasedAt = await release(shopIds);
    await until(() => received().length >= messages, 60_000 + messages * 1000);
    return messages / ((Math.max(...received().map((r) => r.at.getTime())) - releasedAt) / 1000);
  } finally {
    await fleet.stop();
  }
}

async function setUpShops(providers: ProviderRegistry, credentials: TwilioCredentials): Promise<string[]> {
  const ids: string[] = [];
  for (let s = 0; s < SHOPS; s++) {
    const shop = await ensureShop(db, `bench-dispatch-${s}-${Date.now().toString(36)}.myshopify.com`);
    // All-day window and no frequency cap: the bench measures sending, not waiting.
    await db.shopSettings.update({
      where: { shopId: shop.id },
      data: {
        messagesPerSecond: PACE_PER_SHOP,
        quietHoursStartMinute: 1440,
        quietHoursEndMinute: 0,
        frequencyCapCount: 1_000_000,
      },
    });
    await providers.useTwilio(shop.id, credentials);
    ids.push(shop.id);
  }
  return ids;
}

const sendDeps = (providers: ProviderRegistry, jobs: JobQueue): AppServices => ({
  db,
  clock: systemClock,
  queue: jobs,
  providers,
  pacer: new SendPacer(),
  appUrl: "https://bench.example",
});

/** Fresh subscribed shoppers for each round (a shopper's first text differs from later ones), one message each. */
async function scheduleRound(deps: AppServices, shopIds: string[], round: number, messages: number, dueAt: Date) {
  for (let i = 0; i < messages; i++) {
    const shopId = shopIds[i % shopIds.length]!;
    const shopifyId = String(500_000 + round * 100_000 + i);
    const customer = await db.customer.create({
      data: {
        shopId,
        shopifyId,
        phone: phoneOf(round, i),
        countryCode: "GB",
        timeZone: "Europe/London",
        smsConsent: "SUBSCRIBED",
        firstName: "Ava",
      },
      select: { id: true, phone: true },
    });
    // Consent is a fact about the number, in the ledger (the send gate checks it there).
    await db.consentEvent.create({
      data: {
        shopId,
        customerId: customer.id,
        phone: customer.phone,
        state: "SUBSCRIBED",
        source: "IMPORT",
        scope: "marketing",
        occurredAt: new Date(dueAt.getTime() - 86_400_000),
      },
    });
    await scheduleMessage(deps, {
      shopId,
      customerId: customer.id,
      body: "Weekend sale: 20% off everything",
      purpose: "marketing",
      idempotencyKey: `bench:${round}:${i}`,
      dueAt,
    });
  }
}

const phoneOf = (round: number, i: number) => `+447${String(round).padStart(2, "0")}8${String(i).padStart(6, "0")}`;

/**
 * Makes the round's sends due at once, in one transaction, so the clock starts with every
 * worker already polling (their start-up is not what is measured). pg-boss has no call to
 * bring a deferred job forward, so its start_after is moved in its own table (schema
 * "pgboss", as PgBossJobQueue creates it); the messages' dueAt moves with it, or the send
 * job would find the message not yet due and queue itself again.
 */
async function release(shopIds: string[]): Promise<number> {
  const at = new Date();
  await db.$transaction([
    db.message.updateMany({ where: { shopId: { in: shopIds }, status: "SCHEDULED" }, data: { dueAt: at } }),
    db.$executeRawUnsafe(
      `UPDATE pgboss.job SET start_after = now() WHERE name = $1 AND state = 'created'`,
      QUEUES.sendMessage,
    ),
  ]);
  return at.getTime();
}

/** Duplicates counted at the server, per recipient; and every message of the round SENT. */
async function exactlyOnce(recipients: string[], shopIds: string[], round: number, messages: number): Promise<string> {
  const perNumber = new Map<string, number>();
  for (const to of recipients) perNumber.set(to, (perNumber.get(to) ?? 0) + 1);
  const duplicates = [...perNumber.values()].reduce((s, n) => s + n - 1, 0);
  const sent = await db.message.count({
    where: { shopId: { in: shopIds }, idempotencyKey: { startsWith: `bench:${round}:` }, status: "SENT" },
  });
  const verdict = duplicates === 0 && sent === messages && perNumber.size === messages ? "OK" : "FAILED";
  return `${verdict}: ${duplicates} dup, ${sent}/${messages} SENT`;
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`dispatch did not finish within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
