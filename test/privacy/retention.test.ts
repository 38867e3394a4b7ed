import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { QUEUES } from "../../app/jobs/queue.server";
import { jobHandlers } from "../../app/runtime/job-handlers.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { signedWebhook } from "../support/webhooks";
import { actionArgs, WEBHOOK_ROUTES } from "../support/routes";
import { webhookPath } from "../../dev/simulator/webhook-sender";
import { DATA_EXPORT_RETENTION_DAYS, pruneWebhookBodies } from "../../app/privacy/retention.server";
import { withinRateLimit } from "../../app/http/rate-limit.server";
import { STOREFRONT_LIMITS } from "../../app/http/storefront-limits.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { createHash } from "node:crypto";

// Raw webhook bodies are personal data: kept until processed plus WEBHOOK_RETENTION_DAYS, then
// reduced to what duplicate detection needs (app/privacy/retention.server.ts).

/**
 * A shop whose clock starts at the wall clock: the inbox stamps `receivedAt` when a request
 * arrives (the routes have no clock), so the fake clock must start there to age those rows.
 */
const shopNow = (label: string) => new TestShop(uniqueShop(label), new Date());

/** What the worker does every hour: queue the retention job (deduplicated), then run what is due. */
async function runRetention(shop: TestShop, payload: { retentionDays: number; batchSize?: number }) {
  await shop.deps.queue.enqueue(QUEUES.pruneWebhookBodies, payload, { dedupeKey: QUEUES.pruneWebhookBodies });
  const prune = { [QUEUES.pruneWebhookBodies]: jobHandlers(shop.deps)[QUEUES.pruneWebhookBodies] };
  let jobs = 0;
  for (let ran = 1; ran > 0; jobs += ran)
    ran = await shop.deps.queue.runDue({ handlers: prune, workerId: "test-worker", limit: 50, now: shop.clock.now() });
  return jobs;
}

const inbox = (shop: TestShop) =>
  db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, orderBy: { receivedAt: "asc" } });

/** A webhook with a valid signature whose body fails its topic's schema: stored as REJECTED. */
async function sendRejected(shop: TestShop, body: unknown) {
  const request = signedWebhook("customers/create", body, { shop: shop.domain });
  const response = await WEBHOOK_ROUTES[webhookPath("customers/create")]!(actionArgs(request));
  expect(response.status).toBe(400);
}

describe("webhook body retention", () => {
  it("empties a processed body once it is older than the retention, and keeps the row as a duplicate guard", async () => {
    // GIVEN a customers/create processed now
    const shop = shopNow("retention");
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550188" });
    await shop.deliver("customers/create", customer, "wh-retention-1");
    const [row] = await inbox(shop);
    expect(row).toMatchObject({ status: "PROCESSED", payloadPrunedAt: null });
    expect(row!.payload).toContain("+14155550188");

    // WHEN 7 days pass (one minute short) THEN the body is still there
    shop.clock.advance(7 * DAY - MINUTE);
    await runRetention(shop, { retentionDays: 7 });
    expect((await inbox(shop))[0]!.payload).toContain("+14155550188");

    // WHEN the retention has passed and the worker runs the retention job
    shop.clock.advance(2 * MINUTE);
    await runRetention(shop, { retentionDays: 7 });

    // THEN the body is gone, the row stays with what idempotency needs
    const [pruned] = await inbox(shop);
    expect(pruned).toMatchObject({
      id: row!.id,
      payload: "",
      status: "PROCESSED",
      webhookId: "wh-retention-1",
      dedupeKey: row!.dedupeKey,
    });
    expect(pruned!.payloadPrunedAt).toEqual(shop.clock.now());

    // AND Shopify redelivering the same event is still answered as a duplicate, not reprocessed
    const again = await shop.send("customers/create", customer, "wh-retention-1");
    expect(again.headers.get("X-Webhook-Duplicate")).toBe("1");
    await shop.work();
    expect(await db.webhookInbox.count({ where: { shopDomain: shop.domain } })).toBe(1);
  });

  it("empties rejected bodies too, and keeps bodies not yet processed", async () => {
    // GIVEN a rejected delivery carrying a shopper's e-mail, and a delivery not processed yet
    const shop = shopNow("retention-rejected");
    await sendRejected(shop, { email: "rejected.shopper@example.com" });
    await shop.send("customers/create", customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550189" }));
    const rows = await inbox(shop);
    expect(rows.map((r) => r.status).sort()).toEqual(["RECEIVED", "REJECTED"]);

    // WHEN the retention has passed
    shop.clock.advance(7 * DAY + MINUTE);
    await runRetention(shop, { retentionDays: 7 });

    // THEN the rejected body is emptied (its reason kept), the unprocessed one is left for the worker
    const after = await inbox(shop);
    const rejected = after.find((r) => r.status === "REJECTED")!;
    expect(rejected).toMatchObject({ payload: "" });
    expect(rejected.payloadPrunedAt).not.toBeNull();
    expect(rejected.error).toBeTruthy();
    const waiting = after.find((r) => r.status === "RECEIVED")!;
    expect(waiting.payloadPrunedAt).toBeNull();
    expect(waiting.payload).toContain("+14155550189");

    // AND once processed, it is kept for the retention from its processing, then emptied
    await shop.work();
    await runRetention(shop, { retentionDays: 7 });
    expect((await db.webhookInbox.findUniqueOrThrow({ where: { id: waiting.id } })).payloadPrunedAt).toBeNull();
    shop.clock.advance(7 * DAY + MINUTE);
    await runRetention(shop, { retentionDays: 7 });
    expect(await db.webhookInbox.findUniqueOrThrow({ where: { id: waiting.id } })).toMatchObject({ payload: "" });
  });

  it("works through a backlog in bounded batches, one job after another", async () => {
    // GIVEN 5 processed webhooks past a 3-day retention
    const shop = shopNow("retention-batches");
    for (let i = 0; i < 5; i++)
      await shop.deliver("customers/create", customerPayload({ updatedAt: shop.clock.now() }));
    shop.clock.advance(3 * DAY + MINUTE);

    // WHEN one bounded run may empty one batch of 2 THEN it stops there and says more are waiting
    expect(
      await pruneWebhookBodies({ db, now: shop.clock.now(), retentionDays: 3, batchSize: 2, maxBatches: 1 }),
    ).toEqual({ pruned: 2, more: true });

    // WHEN the retention job runs with batches of 2
    expect(await runRetention(shop, { retentionDays: 3, batchSize: 2 })).toBeGreaterThanOrEqual(1);

    // THEN every body is emptied
    const rows = await inbox(shop);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.payload === "" && r.payloadPrunedAt)).toBe(true);
  });

  it("a malformed body's stored reason does not quote the body", async () => {
    // GIVEN a signed delivery whose body is not JSON and names a shopper
    const shop = shopNow("retention-malformed");
    const request = signedWebhook("customers/create", null, {
      shop: shop.domain,
      rawBody: '{"email": quoted.shopper@example.com}',
    });
    const response = await WEBHOOK_ROUTES[webhookPath("customers/create")]!(actionArgs(request));

    // THEN it is refused and stored with the reason, without the e-mail
    expect(response.status).toBe(400);
    const [row] = await inbox(shop);
    expect(row!.error).toMatch(/malformed JSON/);
    expect(row!.error).not.toContain("quoted.shopper");
  });
});

describe("storefront rate counters", () => {
  it("GIVEN counters for a shopper's address and number WHEN stored THEN neither appears, nor its plain hash; WHEN a day old THEN the retention job deletes them", async () => {
    // (Counters made in the past and the job run at the wall clock: the job prunes every shop's
    // counters, and other test files count theirs at the wall clock at the same time.)
    const shop = shopNow("rate-counters");
    const { id: shopId } = await ensureShop(db, shop.domain);
    const count = async (subjects: string[], at: Date) => {
      await withinRateLimit(db, { rule: STOREFRONT_LIMITS.perIp, shopId, subject: subjects[0]!, now: at });
      await withinRateLimit(db, { rule: STOREFRONT_LIMITS.perNumber, shopId, subject: subjects[1]!, now: at });
      const windowStart = new Date(Math.floor(at.getTime() / HOUR) * HOUR);
      return () => db.rateCounter.findMany({ where: { windowStart, key: { startsWith: "proxy:" } } });
    };
    const old = ["198.51.100.41", "+14155550141"];
    const recent = ["198.51.100.42", "+14155550142"];
    const oldCounters = await count(old, new Date(shop.clock.now().getTime() - DAY - 2 * HOUR));
    const recentCounters = await count(recent, new Date(shop.clock.now().getTime() - DAY + 2 * HOUR));

    // THEN the keys hold no address or number, nor their plain SHA-256
    const keys = [...(await oldCounters()), ...(await recentCounters())].map((c) => c.key).join(" ");
    const plain = [...old, ...recent].map((v) =>
      createHash("sha256").update(`${shopId}\n${v}`).digest("hex").slice(0, 32),
    );
    for (const value of [...old, ...recent, "4155550141", "4155550142", ...plain]) expect(keys).not.toContain(value);

    // WHEN the hourly retention job runs THEN counters more than a day old are gone, younger ones stay
    expect((await oldCounters()).length).toBeGreaterThanOrEqual(2);
    await runRetention(shop, { retentionDays: 7 });
    expect(await oldCounters()).toEqual([]);
    expect((await recentCounters()).length).toBeGreaterThanOrEqual(2);
  });
});

describe("customers/data_request exports", () => {
  it("GIVEN an export not sent on WHEN 30 days have passed THEN the retention job deletes it, and not a day before", async () => {
    // (Aged by moving its creation back: exports are stamped, and pruned, by the wall clock.)
    const shop = shopNow("retention-exports");
    const customer = customerPayload({ updatedAt: shop.clock.now(), phone: "+14155550143" });
    await shop.deliver("customers/create", customer);
    await shop.deliver("customers/data_request", {
      shop_id: 1,
      shop_domain: shop.domain,
      orders_requested: [],
      data_request: { id: 4343 },
      customer: { id: customer.id, email: customer.email, phone: customer.phone },
    });
    const where = { shop: { domain: shop.domain } };
    const createdAgo = (ms: number) =>
      db.dataExport.updateMany({ where, data: { createdAt: new Date(Date.now() - ms) } });
    expect(await db.dataExport.count({ where })).toBe(1);

    await createdAgo(DATA_EXPORT_RETENTION_DAYS * DAY - HOUR);
    await runRetention(shop, { retentionDays: 7 });
    expect(await db.dataExport.count({ where })).toBe(1);

    await createdAgo(DATA_EXPORT_RETENTION_DAYS * DAY + MINUTE);
    await runRetention(shop, { retentionDays: 7 });
    expect(await db.dataExport.count({ where })).toBe(0);
  });
});
