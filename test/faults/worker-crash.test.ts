import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { killableDb } from "../support/killable-db";
import { DAY, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { checkoutPayload, customerPayload, inventoryLevelPayload, productPayload } from "../support/fixtures";

let phone = 1000 + (process.pid % 8000);

/** Abandoned-checkout flow on; the checkout is an hour old and the sweep has run. */
async function abandonedCheckout(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T17:00:00Z"));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "abandoned-checkout" } }, data: { enabled: true } });
  const customer = customerPayload({
    updatedAt: shop.clock.now(),
    smsState: "subscribed",
    phone: `+1212555${String(++phone).padStart(4, "0")}`,
  });
  await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: shop.clock.now() }));
  shop.clock.advance(61 * MINUTE);
  await shop.sweep();
  const faulty = killableDb();
  shop.deps.db = faulty.db;
  return { shop, shopId, customer, faulty };
}

/** Work until nothing is left, restarting after a kill (the job engine retries the job). */
async function workThroughCrashes(shop: TestShop) {
  for (let i = 0; i < 20; i++) {
    try {
      await shop.work();
    } catch {
      // The kill surfaced outside a job (the membership consumer): the next tick retries.
    }
    shop.clock.advance(MINUTE); // past the retry backoff
  }
}

describe("killing the worker between any two writes of a flow loses and doubles nothing", () => {
  it("the abandoned-checkout flow sends exactly its two reminders whichever write the worker dies before", async () => {
    // A run without a kill counts the writes of each leg, so each can be the one it dies before.
    const dry = await abandonedCheckout("crash-count");
    dry.faulty.killAtWrite(Infinity);
    await dry.shop.work();
    const firstLeg = dry.faulty.writes;
    dry.shop.clock.advance(DAY);
    dry.faulty.killAtWrite(Infinity);
    await dry.shop.work();
    const secondLeg = dry.faulty.writes;
    expect(firstLeg).toBeGreaterThan(5);
    expect(secondLeg).toBeGreaterThan(3);

    const cases = [
      ...Array.from({ length: firstLeg }, (_, i) => ({ leg: 1, k: i + 1 })),
      ...Array.from({ length: secondLeg }, (_, i) => ({ leg: 2, k: i + 1 })),
    ];
    for (const { leg, k } of cases) {
      const label = `killed before write ${k} of leg ${leg}`;
      const { shop, shopId, customer, faulty } = await abandonedCheckout(`crash-${leg}-${k}`);
      if (leg === 1) faulty.killAtWrite(k);
      await workThroughCrashes(shop);
      shop.clock.advance(DAY);
      if (leg === 2) faulty.killAtWrite(k);
      await workThroughCrashes(shop);
      faulty.disarm();
      await workThroughCrashes(shop);

      const sent = testProviders.outbox.sent.filter((s) => s.to === customer.phone);
      expect(
        sent.map((s) => s.body.includes("Still thinking")),
        label,
      ).toEqual([false, true]);
      const messages = await db.message.findMany({ where: { shopId }, orderBy: { createdAt: "asc" } });
      expect(
        messages.map((m) => m.status),
        label,
      ).toEqual(["DELIVERED", "DELIVERED"]);
      expect((await db.flowRun.findFirstOrThrow({ where: { shopId } })).status, label).toBe("COMPLETED");
    }
  }, 180_000);

  it("a back-in-stock watcher is texted exactly once whichever write of the restock the worker dies before", async () => {
    /** Back-in-stock flow on; a subscribed shopper's checkout held the sold-out kettle; the restock is delivered. */
    const restock = async (label: string) => {
      const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T17:00:00Z"));
      const { id: shopId } = await ensureShop(db, shop.domain);
      await db.flow.update({ where: { shopId_key: { shopId, key: "back-in-stock" } }, data: { enabled: true } });
      const customer = customerPayload({
        updatedAt: shop.clock.now(),
        smsState: "subscribed",
        phone: `+1212555${String(++phone).padStart(4, "0")}`,
      });
      await shop.deliver(
        "products/create",
        productPayload({
          id: 88,
          variantId: 8801,
          inventoryItemId: 9801,
          quantity: 0,
          updatedAt: shop.clock.now(),
          title: "Gooseneck Kettle",
          handle: "gooseneck-kettle",
        }),
      );
      await shop.deliver(
        "checkouts/create",
        checkoutPayload({ customer, updatedAt: shop.clock.now(), variantId: 8801 }),
      );
      shop.clock.advance(MINUTE);
      await shop.send(
        "inventory_levels/update",
        inventoryLevelPayload({ inventoryItemId: 9801, locationId: 1, available: 12, updatedAt: shop.clock.now() }),
      );
      const faulty = killableDb();
      shop.deps.db = faulty.db;
      return { shop, shopId, customer, faulty };
    };
    const dry = await restock("restock-count");
    dry.faulty.killAtWrite(Infinity);
    await dry.shop.work();
    const writes = dry.faulty.writes;
    expect(writes).toBeGreaterThan(5);

    for (let k = 1; k <= writes; k++) {
      const label = `killed before write ${k} of ${writes}`;
      const { shop, shopId, customer, faulty } = await restock(`restock-${k}`);
      faulty.killAtWrite(k);
      await workThroughCrashes(shop);
      faulty.disarm();
      await workThroughCrashes(shop);
      const sent = testProviders.outbox.sent.filter((s) => s.to === customer.phone);
      expect(
        sent.map((s) => s.body.includes("back in stock")),
        label,
      ).toEqual([true]);
      expect(await db.flowRun.count({ where: { shopId } }), label).toBe(1);
    }
  }, 180_000);
});
