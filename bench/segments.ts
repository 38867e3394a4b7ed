import db from "../app/db.server";
import { DAY, MINUTE, HOUR } from "../app/clock";
import { openSqlDriver, type SqlDriver } from "../app/db/sql-driver.server";
import { ensureShop } from "../app/commerce/shops.server";
import { customerPayload, orderPayload } from "../dev/simulator/shopify-payloads";
import { processWebhook } from "../app/webhooks/process.server";
import { processWebhooks } from "../app/webhooks/process-batch.server";
import { sweepShop } from "../app/segments/sweep.server";
import { TableJobQueue } from "../app/jobs/table-queue.server";
import { ProviderRegistry } from "../app/sms/registry.server";
import { SendPacer } from "../app/sms/send-pacer";
import type { BenchContext } from "./sections";
import { log, ms, summarize } from "./stats";
import { compared, plain, type BenchRow } from "./table";
import { countingDb } from "./statement-count";

/**
 * Segment maintenance against shops of growing size: the worker-side cost of one
 * orders/create event for an existing customer (mirror + re-evaluating every segment for
 * that customer), and the time sweep. Shops are seeded in bulk with SQL: customers with a
 * spread of order histories, consent and click dates, and the memberships that follow.
 */
export async function benchSegments(ctx: BenchContext): Promise<BenchRow[]> {
  const { target, options: o } = ctx;
  const section = `Segment maintenance, ${ctx.database}`;
  const driver = await openSqlDriver(target);
  // Whole seconds: the seed's timestamps are, and a payload's created_at (now - 1 day) then
  // matches the mirrored customer's shopifyCreatedAt, as in a shop whose mirror is current.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const clock = { now: () => now };
  // Flows stay off in the bench shops; the dispatcher's parts are never reached.
  const deps = {
    db,
    clock,
    queue: new TableJobQueue(db),
    providers: new ProviderRegistry(db, null),
    pacer: new SendPacer(),
    appUrl: "https://bench.example",
  };
  let statementsPerEvent = NaN;
  let transactionsPerEvent = NaN;
  let batchStatementsPerEvent = NaN;
  let batchTransactionsPerEvent = NaN;
  const shops: {
    size: number;
    id: string;
    domain: string;
    samples: number[];
    /** Per batch of WEBHOOK_BATCH events: its time divided by its events. */
    batchSamples: number[];
    sweeps: Record<SweepWindow, number>;
  }[] = [];
  try {
    for (const size of o.sizes) {
      const shop = await ensureShop(db, `bench-seg-${size}-${Date.now().toString(36)}.myshopify.com`);
      const seedStart = performance.now();
      await seedCustomers(driver, target.provider, shop.id, size, now, { ledger: true });
      log(`${size.toLocaleString("en")} customers seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
      shops.push({
        size,
        id: shop.id,
        domain: shop.domain,
        samples: [],
        batchSamples: [],
        sweeps: { "1 min": NaN, "1 h": NaN },
      });
    }
    // Interleaved, one event per shop in turn: the machine's load changes over a run (other
    // processes), and sizes measured one after another, minutes apart, would have ratios
    // that follow the load rather than the size. The first events of a process pay for JIT
    // and caches: warm up untimed, so the smallest shop (the baseline) is not measured cold.
    const warmUp = 30;
    for (let i = -warmUp; i < o.events; i++) {
      for (const shop of shops) {
        const took = await timeOneOrder(deps, shop, i, now);
        if (i >= 0) shop.samples.push(took);
      }
    }
    // Statements per event, counted at the driver adapter (a count: the machine's load does not move it).
    const counting = countingDb(target);
    for (let i = 0; i < 10; i++) {
      if (i === 0) counting.log.reset();
      await timeOneOrder({ ...deps, db: counting.db }, shops[0]!, o.events + i, now);
    }
    statementsPerEvent = counting.log.statements / 10;
    transactionsPerEvent = counting.log.transactions / 10;
    if (process.env.BENCH_LIST_STATEMENTS) {
      counting.log.reset();
      await timeOneOrder({ ...deps, db: counting.db }, shops[0]!, o.events + 10, now);
      log(counting.log.sql.map((q, n) => `  ${n + 1}. ${q.replace(/\s+/g, " ").slice(0, 160)}`).join("\n"));
    }
    // What the worker does with a backlog: a job fetch's webhooks of one shop together
    // (webhooks/process-batch), interleaved by shop as above, one batch warming up untimed.
    const rounds = Math.max(2, Math.ceil(o.events / WEBHOOK_BATCH));
    for (let r = -1; r < rounds; r++) {
      for (const shop of shops) {
        const took = await timeOneBatch(deps, shop, r, now);
        if (r >= 0) shop.batchSamples.push(took);
      }
    }
    counting.log.reset();
    await timeOneBatch({ ...deps, db: counting.db }, shops[0]!, rounds, now);
    batchStatementsPerEvent = counting.log.statements / WEBHOOK_BATCH;
    batchTransactionsPerEvent = counting.log.transactions / WEBHOOK_BATCH;
    if (process.env.BENCH_LIST_STATEMENTS)
      log(counting.log.sql.map((q, n) => `  batch ${n + 1}. ${q.replace(/\s+/g, " ").slice(0, 160)}`).join("\n"));
    await counting.db.$disconnect();
    // An untimed sweep over an empty window first: the first sweep of a process pays for
    // compiling its queries, and would make the smallest shop look slow.
    for (const shop of shops) {
      await db.shop.update({ where: { id: shop.id }, data: { segmentsSweptAt: now } });
      await sweepShop(db, shop.id, now);
    }
    for (const [window, since] of [
      ["1 min", MINUTE],
      ["1 h", HOUR],
    ] as const) {
      for (const shop of shops) {
        await db.shop.update({ where: { id: shop.id }, data: { segmentsSweptAt: new Date(now.getTime() - since) } });
        const t = performance.now();
        const result = await sweepShop(db, shop.id, now);
        shop.sweeps[window] = performance.now() - t;
        log(
          `${shop.size.toLocaleString("en")} customers: sweep after ${window}: ${result.evaluated} evaluated in ${ms(shop.sweeps[window])}`,
        );
      }
    }
  } finally {
    await driver.close();
  }
  const perSize = shops.map((shop) => ({
    ...shop,
    event: summarize(shop.samples),
    batch: summarize(shop.batchSamples),
  }));
  for (const { size, event, batch } of perSize)
    log(
      `${size.toLocaleString("en")} customers: event mean ${ms(event.mean)} p99 ${ms(event.p99)}; ` +
        `in batches of ${WEBHOOK_BATCH}: ${ms(batch.mean)} per event (${batch.n} batches)`,
    );
  const [first, ...rest] = perSize;
  const last = perSize.at(-1)!;
  const customers = (n: number) => `${n.toLocaleString("en")} customers`;
  const vsFirst = `vs ${customers(first!.size)}`;
  return [
    plain(
      section,
      "orders/create, statements per event (counted at the driver adapter; + transactions begun)",
      `${statementsPerEvent.toFixed(1)} (+ ${transactionsPerEvent.toFixed(1)})`,
    ),
    plain(
      section,
      `orders/create in batches of ${WEBHOOK_BATCH}, statements per event (+ transactions begun)`,
      `${batchStatementsPerEvent.toFixed(1)} (+ ${batchTransactionsPerEvent.toFixed(1)})`,
    ),
    ...rest.flatMap(({ size, event, batch }) => [
      compared(
        section,
        `orders/create, worker cost per event (mean), ${customers(size)} ${vsFirst}`,
        event.mean,
        first!.event.mean,
        ms,
      ),
      compared(
        section,
        `orders/create, worker cost per event (p99), ${customers(size)} ${vsFirst}`,
        event.p99,
        first!.event.p99,
        ms,
      ),
      compared(
        section,
        `orders/create in batches of ${WEBHOOK_BATCH}, worker cost per event (mean), ${customers(size)} ${vsFirst}`,
        batch.mean,
        first!.batch.mean,
        ms,
      ),
    ]),
    ...(["1 min", "1 h"] as const).map((window) =>
      compared(
        section,
        `time sweep ${window} after the last, ${customers(last.size)} ${vsFirst}`,
        last.sweeps[window],
        first!.sweeps[window],
        ms,
      ),
    ),
  ];
}

type SweepWindow = "1 min" | "1 h";

/** The worker's cost of one orders/create for an existing customer of `shop` (the inbox insert before it is not timed). */
async function timeOneOrder(
  deps: Parameters<typeof processWebhook>[0],
  shop: { size: number; domain: string },
  i: number,
  now: Date,
): Promise<number> {
  const inbox = await storeOrder(shop, `bench-${shop.size}-${i}`, i, now);
  const t = performance.now();
  await processWebhook(deps, inbox.id);
  return performance.now() - t;
}

/** Webhooks per batch: what one pg-boss fetch hands the batch handler (HANDLER_BATCH_SIZE). */
const WEBHOOK_BATCH = 50;

/** The worker's cost per event of WEBHOOK_BATCH orders/create of `shop`'s customers taken together (batch `round`). */
async function timeOneBatch(
  deps: Parameters<typeof processWebhooks>[0],
  shop: { size: number; domain: string },
  round: number,
  now: Date,
): Promise<number> {
  const ids: string[] = [];
  for (let k = 0; k < WEBHOOK_BATCH; k++) {
    const i = 1_000_000 + (round + 1) * WEBHOOK_BATCH + k;
    ids.push((await storeOrder(shop, `bench-batch-${shop.size}-${i}`, i, now)).id);
  }
  const t = performance.now();
  const results = await processWebhooks(deps, ids);
  const took = performance.now() - t;
  const failed = [...results.values()].filter((r) => r !== "processed");
  if (failed.length) throw new Error(`bench batch: ${failed.length} rows not processed (${String(failed[0])})`);
  return took / WEBHOOK_BATCH;
}

/** An orders/create inbox row for an existing customer of `shop`, picked from `i`. */
async function storeOrder(shop: { size: number; domain: string }, webhookId: string, i: number, now: Date) {
  const n = 1 + Math.floor((((i * 2654435761) % 2 ** 32) / 2 ** 32) * shop.size);
  // The consent the customer object carries is the mirror's (seedCustomers: its state and time,
  // with the ledger's fact behind it), as Shopify repeats the state it already sent: no new fact.
  const customer = customerPayload({
    id: shopifyIdOf(n),
    updatedAt: now,
    phone: `+1${4_152_000_000 + n}`,
    smsState: n % 3 === 0 ? "not_subscribed" : n % 17 === 0 ? "unsubscribed" : "subscribed",
    consentAt: new Date(now.getTime() - SEEDED_CONSENT_AGE),
  });
  const order = orderPayload({ customer, at: now });
  // One order in CHECKOUT_CONSENT_EVERY ticks the SMS box at checkout, for the customer's number.
  const ticked = i % CHECKOUT_CONSENT_EVERY === 0;
  return db.webhookInbox.create({
    data: {
      shopDomain: shop.domain,
      topic: "orders/create",
      webhookId,
      payload: JSON.stringify(
        ticked ? { ...order, buyer_accepts_sms_marketing: true, sms_marketing_phone: customer.phone } : order,
      ),
    },
  });
}

const shopifyIdOf = (n: number) => 9_000_000_000 + n;

/** How long ago the seeded customers' consent was given (their ledger fact and smsConsentAt). */
const SEEDED_CONSENT_AGE = 800 * DAY;

/** A share of real orders carries checkout SMS consent: one in four here. */
const CHECKOUT_CONSENT_EVERY = 4;

/**
 * Bulk-inserts `size` customers and their memberships in the shop's built-in segments. Each
 * customer's profile is the one storeOrder's payloads carry (a valid number, e-mail, name,
 * city, creation time), as the sync or an earlier webhook left it: an order's customer is
 * then the mirror's, as it mostly is in a shop, not a first sight that rewrites the profile.
 */
export async function seedCustomers(
  driver: SqlDriver,
  provider: "sqlite" | "postgresql",
  shopId: string,
  size: number,
  now: Date,
  o: { ledger?: boolean } = {},
) {
  const nowSec = Math.floor(now.getTime() / 1000);
  const pg = provider === "postgresql";
  const series = pg ? `generate_series(1::bigint, ${size}) AS s(n)` : `seq`;
  const prefix = pg ? "" : `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${size}) `;
  const ts = (secondsExpr: string) =>
    pg
      ? `(to_timestamp(${secondsExpr}) AT TIME ZONE 'UTC')`
      : `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', ${secondsExpr}, 'unixepoch')`;
  const text = (expr: string) => (pg ? `(${expr})::text` : `CAST(${expr} AS TEXT)`);
  const consent = (v: string) => (pg ? `'${v}'::"SmsConsentState"` : `'${v}'`);
  const consentOf = `CASE WHEN n % 3 = 0 THEN ${consent("NOT_SUBSCRIBED")} WHEN n % 17 = 0 THEN ${consent("UNSUBSCRIBED")} ELSE ${consent("SUBSCRIBED")} END`;
  // 40% never ordered, 30% once, 30% repeat; last order spread over two years; some clicks.
  const orders = `(CASE WHEN n % 10 < 4 THEN 0 WHEN n % 10 < 7 THEN 1 ELSE 2 + n % 5 END)`;
  const lastOrderAgo = `((n * 7919) % ${730 * 86400})`;
  await driver.exec(`${prefix}
    INSERT INTO "Customer" ("id", "shopId", "shopifyId", "email", "firstName", "lastName", "city", "shopifyCreatedAt",
      "phone", "countryCode", "provinceCode", "timeZone", "smsConsent", "smsConsentAt",
      "ordersCount", "totalSpent", "firstOrderAt", "lastOrderAt", "lastClickAt", "createdAt", "updatedAt", "shopifyUpdatedAt")
    SELECT '${shopId}-' || ${text("n")}, '${shopId}', ${text(`${shopifyIdOf(0)} + n`)},
      'shopper' || ${text(`${shopifyIdOf(0)} + n`)} || '@example.com', 'Jane', 'Doe', 'San Francisco', ${ts(`${nowSec} - 86400`)},
      '+1' || ${text("4152000000 + n")}, 'US', 'CA', 'America/Los_Angeles',
      ${consentOf},
      ${ts(`${nowSec} - ${SEEDED_CONSENT_AGE / 1000}`)},
      ${orders}, ${orders} * 45,
      CASE WHEN ${orders} = 0 THEN NULL ELSE ${ts(`${nowSec} - ${lastOrderAgo} - (n % 200) * 86400`)} END,
      CASE WHEN ${orders} = 0 THEN NULL ELSE ${ts(`${nowSec} - ${lastOrderAgo}`)} END,
      CASE WHEN n % 5 = 0 THEN ${ts(`${nowSec} - ((n * 104729) % ${120 * 86400})`)} ELSE NULL END,
      ${ts(`${nowSec} - 800 * 86400`)}, ${ts(`${nowSec}`)}, ${ts(`${nowSec} - 86400`)}
    FROM ${series}`);
  // Each customer's consent comes from the ledger, as in a shop (consent/ledger derives it): one
  // SHOPIFY_SYNC fact per customer, the mirror's state at its time, for its number.
  if (o.ledger)
    await driver.exec(`${prefix}
      INSERT INTO "ConsentEvent" ("id", "shopId", "customerId", "phone", "state", "optInLevel", "source", "scope", "occurredAt", "recordedAt")
      SELECT '${shopId}-fact-' || ${text("n")}, '${shopId}', '${shopId}-' || ${text("n")}, '+1' || ${text("4152000000 + n")},
        ${consentOf}, 'single_opt_in', ${pg ? `'SHOPIFY_SYNC'::"ConsentSource"` : `'SHOPIFY_SYNC'`}, 'marketing',
        ${ts(`${nowSec} - ${SEEDED_CONSENT_AGE / 1000}`)}, ${ts(`${nowSec} - 800 * 86400`)}
      FROM ${series}`);
  const agoTs = (days: number) => ts(`${nowSec} - ${days} * 86400`);
  const member: Record<string, string> = {
    "sms-subscribers": `"smsConsent" = ${consent("SUBSCRIBED")}`,
    "opted-out": `"smsConsent" = ${consent("UNSUBSCRIBED")}`,
    "never-purchased": `"ordersCount" = 0`,
    "one-time-buyers": `"ordersCount" = 1`,
    "repeat-buyers": `"ordersCount" >= 2`,
    "active-customers": `"lastOrderAt" > ${agoTs(30)}`,
    "lapsed-customers": `"lastOrderAt" <= ${agoTs(90)}`,
    "new-customers": `"firstOrderAt" > ${agoTs(30)}`,
    "never-clicked": `"lastClickAt" IS NULL`,
    "clicked-recently": `"lastClickAt" > ${agoTs(30)}`,
  };
  for (const [key, where] of Object.entries(member)) {
    await driver.exec(`
      INSERT INTO "SegmentMembership" ("segmentId", "customerId", "shopId", "enteredAt")
      SELECT seg."id", c."id", c."shopId", c."createdAt" FROM "Customer" c JOIN "Segment" seg ON seg."shopId" = c."shopId" AND seg."key" = '${key}'
      WHERE c."shopId" = '${shopId}' AND ${where.replace(/"(\w+)" /g, 'c."$1" ').replace(/^"(\w+)"/, 'c."$1"')}`);
  }
  await driver.exec(
    `UPDATE "Segment" SET "memberCount" = (SELECT COUNT(*) FROM "SegmentMembership" m WHERE m."segmentId" = "Segment"."id") WHERE "shopId" = '${shopId}'`,
  );
  await analyze(driver, provider);
}

/**
 * Planner statistics (and on PostgreSQL the visibility map) after seeding. On SQLite they are gathered through the app's own
 * client: a connection loads them when it reads the schema, so the app's connection, opened
 * before the seeding, would otherwise go on planning as if the tables were empty (a process
 * started on a full database gathers them itself: PRAGMA optimize at connection open).
 */
export async function analyze(driver: SqlDriver, provider: "sqlite" | "postgresql") {
  if (provider === "sqlite") await db.$executeRawUnsafe("ANALYZE");
  // VACUUM too: a shop's tables in production have been through autovacuum, which sets the
  // visibility map; freshly bulk-loaded ones have not, and every index-only scan (the segment
  // page's overlap over the covering membership index) would still visit the heap per row.
  else await driver.exec("VACUUM ANALYZE");
}
