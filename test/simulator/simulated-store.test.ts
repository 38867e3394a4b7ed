import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import db from "../../app/db.server";
import { runSimulator } from "../../dev/simulator/run.server";
import { signWebhook, deliver } from "../../dev/simulator/webhook-sender";
import { TestShop, uniqueShop } from "../support/app";
import { startWebhookServer } from "../support/routes";

let server: Awaited<ReturnType<typeof startWebhookServer>>;
beforeAll(async () => {
  server = await startWebhookServer();
});
afterAll(() => server.close());

describe("the simulated store", () => {
  it("delivers signed Shopify-shaped webhooks over HTTP that the app accepts, and segments fill", async () => {
    const shop = new TestShop(uniqueShop("sim"), new Date("2026-11-20T15:00:00Z"));
    const stats = await runSimulator({
      appUrl: server.url,
      secret: API_SECRET_KEY,
      shop: shop.domain,
      historyDays: 100,
      historyActionsPerDay: 2.5,
      liveActionsPerMinute: 0,
      redeliveryRate: 0.05,
      live: false,
      seed: 7,
      now: () => shop.clock.now(),
      install: () => shop.install(),
    });
    expect(stats.failed).toBe(0);
    expect(stats.delivered).toBeGreaterThan(300);
    expect(stats.redelivered).toBeGreaterThan(0);

    await shop.work();
    await shop.sweep();
    const inbox = await db.webhookInbox.groupBy({
      by: ["status"],
      where: { shopDomain: shop.domain },
      _count: { _all: true },
    });
    // Every delivery was stored once (redeliveries are no-ops) and processed without a rejection.
    expect(Object.fromEntries(inbox.map((g) => [g.status, g._count._all]))).toEqual({ PROCESSED: stats.delivered });
    // The store's own facts came first, from shop/update.
    expect(await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).toMatchObject({
      name: "Northbean Coffee",
      ianaTimezone: "America/Los_Angeles",
      email: "hello@northbean.example",
    });

    const sizes = Object.fromEntries(Object.entries(await shop.memberships()).map(([k, v]) => [k, v.length]));
    for (const key of [
      "sms-subscribers",
      "one-time-buyers",
      "repeat-buyers",
      "active-customers",
      "lapsed-customers",
      "new-customers",
      "never-purchased",
      "abandoned-checkout",
      "opted-out",
    ]) {
      expect(sizes[key], key).toBeGreaterThan(0);
    }
    // Shoppers stuck on sold-out items became restock watchers (and left when stock returned).
    const watched = await db.segmentMembershipEvent.count({
      where: { segment: { key: "restock-watchers", shop: { domain: shop.domain } }, change: "ENTERED" },
    });
    expect(watched).toBeGreaterThan(0);
    // Real shapes mean more deliveries (consent arrives on its own topic): about 110 s alone on
    // the shared 2-CPU machine, so the limit leaves room for a loaded one.
  }, 300_000);

  it("its signatures are Shopify's: a delivery signed with another secret is refused", async () => {
    const delivery = signWebhook(server.url, "not-the-app-secret", uniqueShop("sim-bad"), "orders/create", { id: 1 });
    // Up to 3 attempts, as Shopify retries: the long test before this one can leave a pooled
    // keep-alive connection the server has just closed (a reset, not an answer); a 401 ends it at once.
    expect(await deliver(delivery, 3)).toBe(401);
  });
});
