import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { action as ordersAction } from "../../app/routes/webhooks.orders";
import { action as complianceAction } from "../../app/routes/webhooks.compliance";
import { actionArgs, signedWebhook } from "../support/webhooks";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import { queueReceivedWebhooks, REQUEUE_AFTER } from "../../app/webhooks/inbox-queue.server";

const shop = `hmac-${Date.now()}.myshopify.com`;
const order = {
  id: 820982911946154500,
  email: "jon@example.com",
  total_price: "199.65",
  updated_at: "2026-11-01T10:00:00-05:00",
};

describe("webhook authentication (real routes, Shopify-signed requests)", () => {
  it("accepts a correctly signed webhook: 200, stored once, then queued for processing by a worker", async () => {
    const request = signedWebhook("orders/create", order, { shop, webhookId: "wh-ok-1" });
    const response = await ordersAction(actionArgs(request));
    expect(response.status).toBe(200);
    const rows = await db.webhookInbox.findMany({ where: { shopDomain: shop, webhookId: "wh-ok-1" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      topic: "orders/create",
      status: "RECEIVED",
      apiVersion: "2026-10",
      queuedAt: null,
    });
    expect(JSON.parse(rows[0]!.payload)).toEqual(order);
    // The request only stored it; the workers' loop queues its job, once however often it runs.
    expect(await db.job.count({ where: { dedupeKey: `webhook:${rows[0]!.id}` } })).toBe(0);
    const queue = new TableJobQueue(db);
    await queueReceivedWebhooks(db, queue, new Date());
    await queueReceivedWebhooks(db, queue, new Date());
    expect(await db.job.count({ where: { dedupeKey: `webhook:${rows[0]!.id}` } })).toBe(1);
    expect((await db.webhookInbox.findUniqueOrThrow({ where: { id: rows[0]!.id } })).queuedAt).not.toBeNull();
  });

  it("rejects a wrong HMAC with 401 and stores nothing", async () => {
    const request = signedWebhook("orders/create", order, { shop, webhookId: "wh-bad-hmac", secret: "not-the-secret" });
    const response = await ordersAction(actionArgs(request));
    expect(response.status).toBe(401);
    expect(await db.webhookInbox.count({ where: { webhookId: "wh-bad-hmac" } })).toBe(0);
  });

  it("rejects a body altered after signing with 401", async () => {
    const signed = signedWebhook("orders/create", order, { shop, webhookId: "wh-tampered" });
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: JSON.stringify({ ...order, total_price: "0.01" }),
    });
    expect((await ordersAction(actionArgs(tampered))).status).toBe(401);
    expect(await db.webhookInbox.count({ where: { webhookId: "wh-tampered" } })).toBe(0);
  });

  it("acknowledges a redelivery without storing or queueing it twice", async () => {
    const first = await ordersAction(actionArgs(signedWebhook("orders/create", order, { shop, webhookId: "wh-dup" })));
    const again = await ordersAction(actionArgs(signedWebhook("orders/create", order, { shop, webhookId: "wh-dup" })));
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.headers.get("X-Webhook-Duplicate")).toBe("1");
    expect(await db.webhookInbox.count({ where: { shopDomain: shop, webhookId: "wh-dup" } })).toBe(1);
  });

  it("GIVEN two deliveries of one event (same X-Shopify-Event-Id, different webhook ids, e.g. two subscriptions) WHEN both arrive THEN it is stored and queued once", async () => {
    const first = signedWebhook("orders/create", order, { shop, webhookId: "wh-sub-1", eventId: "evt-same-1" });
    const second = signedWebhook("orders/create", order, { shop, webhookId: "wh-sub-2", eventId: "evt-same-1" });
    expect((await ordersAction(actionArgs(first))).status).toBe(200);
    const again = await ordersAction(actionArgs(second));
    expect(again.status).toBe(200);
    expect(again.headers.get("X-Webhook-Duplicate")).toBe("1");
    expect(await db.webhookInbox.count({ where: { shopDomain: shop, eventId: "evt-same-1" } })).toBe(1);
  });

  it("GIVEN deliveries without an event id WHEN the same webhook id arrives twice THEN the webhook id deduplicates", async () => {
    const bare = () => {
      const r = signedWebhook("orders/create", order, { shop, webhookId: "wh-no-event" });
      const headers = new Headers(r.headers);
      headers.delete("x-shopify-event-id");
      return new Request(r.url, { method: "POST", headers, body: JSON.stringify(order) });
    };
    await ordersAction(actionArgs(bare()));
    expect((await ordersAction(actionArgs(bare()))).headers.get("X-Webhook-Duplicate")).toBe("1");
    expect(await db.webhookInbox.count({ where: { shopDomain: shop, webhookId: "wh-no-event" } })).toBe(1);
  });

  it("a stored delivery whose job was lost is queued by Shopify's retry, or by the workers after REQUEUE_AFTER", async () => {
    const queue = new TableJobQueue(db);
    await ordersAction(actionArgs(signedWebhook("orders/create", order, { shop, webhookId: "wh-lost-job" })));
    const row = await db.webhookInbox.findFirstOrThrow({ where: { shopDomain: shop, webhookId: "wh-lost-job" } });
    await queueReceivedWebhooks(db, queue, new Date());
    await db.job.deleteMany({ where: { dedupeKey: `webhook:${row.id}` } }); // the crash
    const retry = await ordersAction(
      actionArgs(signedWebhook("orders/create", order, { shop, webhookId: "wh-lost-job" })),
    );
    expect(retry.status).toBe(200);
    expect(await db.job.count({ where: { dedupeKey: `webhook:${row.id}` } })).toBe(1);

    // No retry from Shopify: the row, still RECEIVED, is queued again once it has waited REQUEUE_AFTER.
    await db.job.deleteMany({ where: { dedupeKey: `webhook:${row.id}` } });
    await queueReceivedWebhooks(db, queue, new Date());
    expect(await db.job.count({ where: { dedupeKey: `webhook:${row.id}` } })).toBe(0);
    await queueReceivedWebhooks(db, queue, new Date(Date.now() + REQUEUE_AFTER + 1000));
    expect(await db.job.count({ where: { dedupeKey: `webhook:${row.id}` } })).toBe(1);
  });

  it("answers a signed but malformed body with 400 and the reason, and keeps it for inspection", async () => {
    const request = signedWebhook("orders/create", null, { shop, webhookId: "wh-malformed", rawBody: '{"id": 1,' });
    const response = await ordersAction(actionArgs(request));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/malformed JSON/);
    const row = await db.webhookInbox.findFirstOrThrow({ where: { webhookId: "wh-malformed" } });
    expect(row).toMatchObject({ status: "REJECTED", payload: '{"id": 1,' });
  });

  it("answers a payload missing what its topic needs with 400 naming the field", async () => {
    const request = signedWebhook("orders/create", { email: "no-id@example.com" }, { shop, webhookId: "wh-no-id" });
    const response = await ordersAction(actionArgs(request));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/orders\/create: id/);
  });

  it("verifies the mandatory compliance topics the same way", async () => {
    const body = {
      shop_id: 954889,
      shop_domain: shop,
      customer: { id: 191167, email: "john@example.com", phone: "555-625-1199" },
      orders_to_redact: [299938],
    };
    expect((await complianceAction(actionArgs(signedWebhook("customers/redact", body, { shop })))).status).toBe(200);
    expect(
      (await complianceAction(actionArgs(signedWebhook("customers/redact", body, { shop, secret: "x" })))).status,
    ).toBe(401);
  });
});
