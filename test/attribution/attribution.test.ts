import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { performance } from "../../app/attribution/attribute.server";
import { recordClick } from "../../app/tracking/links.server";
import { processWebhooks } from "../../app/webhooks/process-batch.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

let phone = 8000 + (process.pid % 1000);

/** Abandoned-checkout flow on; one shopper got the first reminder (with a tracked link). */
async function remindedShopper(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T17:00:00Z"));
  const { id: shopId } = await ensureShop(db, shop.domain);
  const flow = await db.flow.update({
    where: { shopId_key: { shopId, key: "abandoned-checkout" } },
    data: { enabled: true },
  });
  const customer = customerPayload({
    updatedAt: shop.clock.now(),
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });
  const checkout = await shop.abandonCheckout(customer);
  const message = await db.message.findFirstOrThrow({ where: { shopId, flowId: flow.id } });
  const link = await db.trackedLink.findFirstOrThrow({ where: { messageId: message.id } });
  return { shop, shopId, flow, customer, checkout, message, link };
}

describe("revenue attribution", () => {
  it("an order after a click and within a day of the send is credited to the message and its flow, both ways", async () => {
    const { shop, shopId, flow, customer, checkout, message, link } = await remindedShopper("attr");
    shop.clock.advance(10 * MINUTE);
    await recordClick(db, link.code, shop.clock.now());
    shop.clock.advance(2 * HOUR);
    await shop.deliver(
      "orders/create",
      orderPayload({ customer, at: shop.clock.now(), total: "84.00", checkoutToken: checkout.token }),
    );

    const credits = await db.attribution.findMany({ where: { shopId }, orderBy: { model: "asc" } });
    expect(credits.map((a) => [a.model, a.messageId, a.flowId, Number(a.revenue)])).toEqual([
      ["click", message.id, flow.id, 84],
      ["send", message.id, flow.id, 84],
    ]);
    const numbers = await performance({ db, shopId, of: { flowId: flow.id } });
    expect(numbers).toMatchObject({
      sent: 1,
      delivered: 1,
      deliveryRate: 1,
      clicks: 1,
      clickThroughRate: 1,
      optOuts: 0,
      conversions: { click: 1, send: 1 },
      revenue: { click: 84, send: 84 },
    });
    expect(numbers.cost).toBeCloseTo(0.0079);

    // An opt-out within 7 days of the text counts against it; one after that would not.
    shop.clock.advance(HOUR);
    const now = shop.clock.now().toISOString();
    await shop.deliver("customers/update", {
      ...customer,
      updated_at: now,
      sms_marketing_consent: {
        state: "unsubscribed",
        opt_in_level: "single_opt_in",
        consent_updated_at: now,
        consent_collected_from: "SHOPIFY",
      },
    });
    expect(await performance({ db, shopId, of: { flowId: flow.id } })).toMatchObject({ optOuts: 1, optOutRate: 1 });
  });

  it("outside the windows there is no credit; a cancelled order gives its credit back", async () => {
    const { shop, shopId, customer, link } = await remindedShopper("attr-window");
    await recordClick(db, link.code, shop.clock.now());
    shop.clock.advance(2 * DAY); // past the 24 h send window, inside the 5-day click window
    const order = orderPayload({ customer, at: shop.clock.now(), total: "20.00" });
    await shop.deliver("orders/create", order);
    expect((await db.attribution.findMany({ where: { shopId } })).map((a) => a.model)).toEqual(["click"]);

    shop.clock.advance(HOUR);
    await shop.deliver("orders/cancelled", {
      ...order,
      cancelled_at: shop.clock.now().toISOString(),
      updated_at: shop.clock.now().toISOString(),
    });
    expect(await db.attribution.count({ where: { shopId } })).toBe(0);

    shop.clock.advance(4 * DAY); // 6 days after the click
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now(), total: "30.00" }));
    expect(await db.attribution.count({ where: { shopId } })).toBe(0);
  });

  it("GIVEN a batch of one shopper's orders WHEN the worker takes them together THEN each is credited by its own time", async () => {
    const { shop, shopId, customer, link, message } = await remindedShopper("attr-batch");
    await recordClick(db, link.code, shop.clock.now());
    const after = (ms: number) => new Date(shop.clock.now().getTime() + ms);
    const both = orderPayload({ customer, at: after(2 * HOUR), total: "10.00" });
    const clickOnly = orderPayload({ customer, at: after(2 * DAY), total: "20.00" });
    const none = orderPayload({ customer, at: after(6 * DAY), total: "30.00" });
    const cancelled = orderPayload({ customer, at: after(3 * HOUR), total: "40.00" });
    for (const order of [both, clickOnly, none, cancelled]) await shop.send("orders/create", order);
    await shop.send("orders/cancelled", {
      ...cancelled,
      cancelled_at: after(4 * HOUR).toISOString(),
      updated_at: after(4 * HOUR).toISOString(),
    });
    const rows = await db.webhookInbox.findMany({ where: { shopDomain: shop.domain }, orderBy: { receivedAt: "asc" } });
    const results = await processWebhooks(
      shop.deps,
      rows.filter((r) => r.topic.startsWith("orders/")).map((r) => r.id),
    );
    expect(new Set(results.values())).toEqual(new Set(["processed"]));

    const credits = await db.attribution.findMany({
      where: { shopId },
      select: { model: true, messageId: true, revenue: true },
      orderBy: [{ revenue: "asc" }, { model: "asc" }],
    });
    expect(credits.map((a) => [Number(a.revenue), a.model, a.messageId])).toEqual([
      [10, "click", message.id],
      [10, "send", message.id],
      [20, "click", message.id],
    ]);
  });
});
