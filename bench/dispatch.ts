import type { AppServices } from "../app/services";
import db from "../app/db.server";
import { systemClock } from "../app/clock";
import { ensureShop } from "../app/commerce/shops.server";
import { queue } from "../app/runtime/job-engine.server";
import { QUEUES, type JobQueue } from "../app/jobs/queue.server";
import { TableJobQueue } from "../app/jobs/table-queue.server";
import { SEND_CONCURRENCY, sendMessages } from "../app/messaging/dispatch.server";
import { HANDLER_BATCH_SIZE } from "../app/jobs/pg-boss-queue.server";
import { readFileSync } from "node:fs";
import { countingDb } from "./statement-count";
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
 * Texts each fleet sends, untimed, before its measured round: a fresh process's first batch
 * pays for compiling its queries and code (the bare adapter is warmed up the same way).
 */
const WARM_UP = 50;

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
    const bareRate = await bareAdapterRate(credentials, messages, 1);
    const bareConcurrentRate = await bareAdapterRate(credentials, messages, SEND_CONCURRENCY);
    log(
      `bare adapter: ${perSecond(bareRate)} one at a time, ${perSecond(bareConcurrentRate)} ${SEND_CONCURRENCY} in flight`,
    );
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

    const counting = countingDb(ctx.target);
    let perText = "";
    const drained = await measure(async (r) => {
      const { rate, statements, transactions } = await drainInProcess(providers, counting, shopIds, r, messages);
      perText = `${(statements / messages).toFixed(2)} (+ ${(transactions / messages).toFixed(2)})`;
      return rate;
    });
    if (process.env.BENCH_LIST_STATEMENTS) {
      const kinds = new Map<string, number>();
      for (const q of counting.log.sql) {
        const kind = q.replace(/\s+/g, " ").slice(0, 120);
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      log(
        [...kinds]
          .sort((a, b) => b[1] - a[1])
          .map(([q, n]) => `  ${n}x ${q}`)
          .join("\n"),
      );
    }
    await counting.db.$disconnect();
    log(`send jobs drained in-process: ${perSecond(drained.rate)}; ${drained.check}; statements per text ${perText}`);
    rows.push(
      compared(
        section,
        `SMS/s, send batches of ${HANDLER_BATCH_SIZE} back to back in one process (no fetch wait) vs bare adapter`,
        drained.rate,
        bareRate,
        perSecond,
      ),
      compared(
        section,
        `SMS/s, send batches back to back in one process vs bare adapter, ${SEND_CONCURRENCY} in flight`,
        drained.rate,
        bareConcurrentRate,
        perSecond,
      ),
      plain(
        section,
        `statements per text, send batches of ${HANDLER_BATCH_SIZE} over ${SHOPS} shops (counted at the driver adapter; + transactions begun)`,
        perText,
      ),
      plain(section, "exactly once (duplicates at the server; messages SENT), drained", drained.check),
    );

    const [first] = ctx.options.workers;
    let firstRate = 0;
    for (const workers of ctx.options.workers) {
      let cpu = "";
      const { rate, check } = await measure(async (r) => {
        const run = await sendThroughWorkers({ providers, shopIds, round: r, messages, workers, twilio });
        cpu = `${run.workerCpuMsPerText.toFixed(2)} ms; machine ${Math.round(run.machineBusy * 100)}% busy`;
        return run.rate;
      });
      log(`${workers} worker process(es): ${perSecond(rate)}; ${check}; worker CPU per text ${cpu}`);
      firstRate ||= rate;
      const label = `${workers} worker process${workers > 1 ? "es" : ""}`;
      if (workers !== first) rows.push(compared(section, `SMS/s, ${label} vs ${first}`, rate, firstRate, perSecond));
      rows.push(
        compared(section, `SMS/s, ${label} vs bare adapter`, rate, bareRate, perSecond),
        compared(
          section,
          `SMS/s, ${label} vs bare adapter, ${SEND_CONCURRENCY} in flight (as a send batch)`,
          rate,
          bareConcurrentRate,
          perSecond,
        ),
        plain(section, `worker CPU per text, ${label} (/proc; and the whole machine's CPU busy in the round)`, cpu),
        plain(section, `exactly once, ${label}`, check),
      );
    }
    return rows;
  } finally {
    await twilio.close();
  }
}

/**
 * The baseline: the adapter alone, no database, `inFlight` posts at a time: one (sequential),
 * or as many as a send batch keeps in flight (SEND_CONCURRENCY), the fair floor for a worker
 * that sends concurrently.
 */
async function bareAdapterRate(credentials: TwilioCredentials, messages: number, inFlight: number): Promise<number> {
  const bare = new TwilioProvider(credentials);
  const send = (i: number) =>
    bare.send({ to: `+4474009${String(i).padStart(5, "0")}`, body: "baseline", messageId: `m${i}` });
  for (let i = 0; i < 50; i++) await send(i); // warm-up (JIT, connection), untimed
  let next = 0;
  const lane = async () => {
    while (next < messages) await send(next++);
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, lane));
  return messages / ((performance.now() - t) / 1000);
}

/**
 * The send path alone: the round's send jobs handed to `sendMessages` in batches of the size
 * pg-boss fetches, back to back in this process (no fetch or poll between them): what a worker
 * could reach if fetching jobs were not the limit. Its statements are counted at the driver
 * adapter (a count: the machine's load does not move it).
 */
async function drainInProcess(
  providers: ProviderRegistry,
  counting: ReturnType<typeof countingDb>,
  shopIds: string[],
  round: number,
  messages: number,
): Promise<{ rate: number; statements: number; transactions: number }> {
  const deps = sendDeps(providers, new TableJobQueue(db));
  const ids = await scheduleRound(deps, shopIds, round, messages, new Date());
  const counted = { ...deps, db: counting.db };
  counting.log.reset();
  const t = performance.now();
  for (let i = 0; i < ids.length; i += HANDLER_BATCH_SIZE)
    await sendMessages(counted, ids.slice(i, i + HANDLER_BATCH_SIZE));
  const rate = messages / ((performance.now() - t) / 1000);
  return { rate, statements: counting.log.statements, transactions: counting.log.transactions };
}

/**
 * Real worker processes on pg-boss; after an untimed warm-up round, timed from the release to
 * the last SMS the server accepts. With the workers' CPU time over the round (per text) and the
 * share of the machine's CPU that was busy, from /proc.
 */
async function sendThroughWorkers(r: {
  providers: ProviderRegistry;
  shopIds: string[];
  round: number;
  messages: number;
  workers: number;
  twilio: { received: ReceivedSms[] };
}): Promise<{ rate: number; workerCpuMsPerText: number; machineBusy: number }> {
  const { providers, shopIds, messages, twilio } = r;
  const deps = sendDeps(providers, queue);
  const fleet = await startWorkers(r.workers, { ...process.env, APP_ENCRYPTION_KEY: ENCRYPTION_KEY });
  try {
    await scheduleRound(deps, shopIds, WARM_UP_ROUNDS + r.round, WARM_UP, new Date(Date.now() + HELD_BACK_MS));
    await release(shopIds);
    await until(() => twilio.received.length >= WARM_UP, 60_000 + WARM_UP * 1000);
    twilio.received.length = 0;

    await scheduleRound(deps, shopIds, r.round, messages, new Date(Date.now() + HELD_BACK_MS));
    const cpuBefore = workerCpuMs(fleet.pids);
    const machineBefore = machineCpu();
    const releasedAt = await release(shopIds);
    await until(() => twilio.received.length >= messages, 60_000 + messages * 1000);
    const lastAt = Math.max(...twilio.received.map((m) => m.at.getTime()));
    const machineAfter = machineCpu();
    return {
      rate: messages / ((lastAt - releasedAt) / 1000),
      workerCpuMsPerText: (workerCpuMs(fleet.pids) - cpuBefore) / messages,
      machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
    };
  } finally {
    await fleet.stop();
  }
}

/** Round numbers from here on are warm-up rounds (their own shoppers and numbers). */
const WARM_UP_ROUNDS = 50;

/** User + system CPU time of these processes so far (ms), from /proc/<pid>/stat (clock ticks of 10 ms). */
function workerCpuMs(pids: number[]): number {
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return sum + (Number(fields[11]) + Number(fields[12])) * 10;
  }, 0);
}

/** The machine's CPU time so far, busy and in all (clock ticks), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const ticks = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  return { busy: total - ticks[3]! - ticks[4]!, total };
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
async function scheduleRound(
  deps: AppServices,
  shopIds: string[],
  round: number,
  messages: number,
  dueAt: Date,
): Promise<string[]> {
  const ids: string[] = [];
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
    const { id } = await scheduleMessage(deps, {
      shopId,
      customerId: customer.id,
      body: "Weekend sale: 20% off everything",
      purpose: "marketing",
      idempotencyKey: `bench:${round}:${i}`,
      dueAt,
    });
    ids.push(id);
  }
  return ids;
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
