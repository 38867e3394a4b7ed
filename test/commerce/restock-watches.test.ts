import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { pruneStockHistory, STOCK_HISTORY_DAYS } from "../../app/commerce/stock-history.server";
import { TestShop, uniqueShop } from "../support/app";
import {
  checkoutPayload,
  customerPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
} from "../support/fixtures";
import { processWebhooks } from "../../app/webhooks/process-batch.server";

// Restock watches are read from stock as of the checkout's own time, so they do not depend on
// the order Shopify delivers the webhooks in (it does not promise one).

// 17:00 UTC is 10:00 in San Francisco (the fixtures' default address): inside quiet-hours windows.
const MORNING = new Date("2026-07-01T17:00:00Z");
let phone = 3000 + (process.pid % 3000);
const KETTLE = { productId: 91, variantId: 9101, inventoryItemId: 9191 };

/** A shop selling the kettle (in stock: 5), with the back-in-stock flow on, and a subscribed shopper. */
async function kettleShop(label: string) {
  const shop = new TestShop(uniqueShop(label), MORNING);
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "back-in-stock" } }, data: { enabled: true } });
  const start = new Date(MORNING.getTime() - 3 * HOUR);
  await shop.deliver(
    "products/create",
    productPayload({
      id: KETTLE.productId,
      variantId: KETTLE.variantId,
      inventoryItemId: KETTLE.inventoryItemId,
      quantity: 5,
      updatedAt: start,
      title: "Gooseneck Kettle",
    }),
  );
  const customer = customerPayload({
    updatedAt: start,
    smsState: "subscribed",
    consentAt: start,
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });
  await shop.deliver("customers/create", customer);
  const level = (available: number, at: Date) =>
    inventoryLevelPayload({ inventoryItemId: KETTLE.inventoryItemId, locationId: 1, available, updatedAt: at });
  const checkout = (at: Date, variantId = KETTLE.variantId) =>
    checkoutPayload({ customer, token: `t-${label}`, createdAt: at, updatedAt: at, variantId });
  const texts = () => db.message.count({ where: { shopId, direction: "OUTBOUND" } });
  const watcher = async () => (await shop.segmentsOf(customer.id)).includes("restock-watchers");
  return {
    shop,
    shopId,
    customer,
    level,
    checkout,
    texts,
    watcher,
    at: (minutesAgo: number) => new Date(MORNING.getTime() - minutesAgo * MINUTE),
  };
}

describe("restock watches follow the events' own times, not their delivery order", () => {
  it("a sell-out delivered after the checkout it preceded still makes the shopper a watcher", async () => {
    const { shop, level, checkout, watcher, at } = await kettleShop("late-sellout");
    await shop.deliver("checkouts/create", checkout(at(30))); // in stock as far as the app knows
    expect(await watcher()).toBe(false);
    await shop.deliver("inventory_levels/update", level(0, at(60))); // sold out an hour ago
    expect(await watcher()).toBe(true);
  });

  it("a checkout delivered after the restock that followed it: restocked, and the shopper texted once", async () => {
    const { shop, level, checkout, texts, watcher, at } = await kettleShop("late-checkout");
    await shop.deliver("inventory_levels/update", level(0, at(90)));
    await shop.deliver("inventory_levels/update", level(8, at(10))); // back in stock 10 minutes ago
    expect(await texts()).toBe(0);
    const late = checkout(at(60)); // the shopper met the sold-out kettle an hour ago
    await shop.deliver("checkouts/create", late);
    await shop.deliver("checkouts/create", late); // redelivered
    expect(await watcher()).toBe(false);
    expect(await texts()).toBe(1);
  });

  it("a sell-out that came after the checkout does not make it a watcher, whichever arrives first", async () => {
    const { shop, level, checkout, watcher, at } = await kettleShop("sellout-after");
    await shop.deliver("inventory_levels/update", level(0, at(10))); // sold out 10 minutes ago
    await shop.deliver("checkouts/create", checkout(at(60))); // the checkout was an hour ago: in stock then
    expect(await watcher()).toBe(false);
  });

  it("the same watches and texts in order and in reverse", async () => {
    const run = async (label: string, reverse: boolean) => {
      const s = await kettleShop(label);
      const events: [string, unknown][] = [
        ["inventory_levels/update", s.level(0, s.at(120))],
        ["checkouts/create", s.checkout(s.at(100))],
        ["inventory_levels/update", s.level(3, s.at(50))],
      ];
      for (const [topic, payload] of reverse ? events.reverse() : events) await s.shop.deliver(topic, payload);
      const watch = await db.restockWatch.findFirstOrThrow({ where: { shopId: s.shopId } });
      return { watcher: await s.watcher(), texts: await s.texts(), restockedAt: watch.restockedAt };
    };
    const inOrder = await run("restock-in-order", false);
    expect(inOrder).toEqual({ watcher: false, texts: 1, restockedAt: new Date(MORNING.getTime() - 50 * MINUTE) });
    expect(await run("restock-reversed", true)).toEqual(inOrder);
  });

  it("an item taken out of the checkout is no longer watched", async () => {
    const { shop, level, checkout, watcher, at } = await kettleShop("removed");
    await shop.deliver("inventory_levels/update", level(0, at(90)));
    await shop.deliver("checkouts/create", checkout(at(60)));
    expect(await watcher()).toBe(true);
    await shop.deliver("checkouts/update", checkout(at(30), 424242)); // swapped for another variant
    expect(await watcher()).toBe(false);
  });

  it("a checkout completed by its order no longer watches, one order at a time or in a webhook batch", async () => {
    for (const batched of [false, true]) {
      const { shop, customer, level, checkout, watcher, at } = await kettleShop(`completed-${batched}`);
      await shop.deliver("inventory_levels/update", level(0, at(90)));
      await shop.deliver("checkouts/create", checkout(at(60))); // the sold-out kettle in the cart
      expect(await watcher()).toBe(true);
      const order = orderPayload({
        customer,
        at: at(30),
        checkoutToken: `t-completed-${batched}`,
        lines: [{ product_id: KETTLE.productId, variant_id: KETTLE.variantId }],
      });
      if (!batched) await shop.deliver("orders/create", order);
      else {
        // The order with another one, as one worker fetch takes them (webhooks/process-batch).
        await shop.send("orders/create", order);
        await shop.send(
          "orders/create",
          orderPayload({ customer: customerPayload({ updatedAt: at(30) }), at: at(29) }),
        );
        const rows = await db.webhookInbox.findMany({
          where: { shopDomain: shop.domain, status: "RECEIVED" },
          select: { id: true },
        });
        expect(rows).toHaveLength(2);
        await processWebhooks(
          shop.deps,
          rows.map((r) => r.id),
        );
      }
      expect(await db.restockWatch.count({ where: { customerId: { not: null }, shop: { domain: shop.domain } } })).toBe(
        0,
      );
      expect(await watcher()).toBe(false);
    }
  });

  it("stock history is pruned after its days, keeping each location's newest older level", async () => {
    const { shop, shopId, level, at } = await kettleShop("prune");
    const old = (days: number) => new Date(MORNING.getTime() - (STOCK_HISTORY_DAYS + days) * DAY);
    for (const [available, when] of [
      [4, old(3)],
      [2, old(2)],
      [0, old(1)],
      [6, at(5)],
    ] as const)
      await shop.deliver("inventory_levels/update", level(available, when));
    await pruneStockHistory(db, MORNING);
    const kept = await db.inventoryLevelChange.findMany({ where: { shopId, locationId: "1" }, orderBy: { at: "asc" } });
    expect(kept.map((c) => [c.available, c.at])).toEqual([
      [0, old(1)],
      [6, at(5)],
    ]);
  });
});
