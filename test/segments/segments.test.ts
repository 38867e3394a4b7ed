import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, MINUTE } from "../../app/clock";
import { TestShop, uniqueShop } from "../support/app";
import {
  checkoutPayload,
  customerPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
} from "../support/fixtures";

describe("built-in segments follow events and time", () => {
  it("one-time → repeat buyer; new and active; lapsed after 90 days with no event; back to active on a new order", async () => {
    const shop = new TestShop(uniqueShop("life"));
    const customer = customerPayload({ updatedAt: shop.clock.now() });
    await shop.deliver("customers/create", customer);
    expect(await shop.segmentsOf(customer.id)).toEqual(["never-clicked", "never-purchased"]);

    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    expect(await shop.segmentsOf(customer.id)).toEqual([
      "active-customers",
      "never-clicked",
      "new-customers",
      "one-time-buyers",
    ]);

    shop.clock.advance(10 * DAY);
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    expect(await shop.segmentsOf(customer.id)).toEqual([
      "active-customers",
      "never-clicked",
      "new-customers",
      "repeat-buyers",
    ]);

    shop.clock.advance(25 * DAY); // first order 35 days ago: no longer "new"
    await shop.sweep();
    expect(await shop.segmentsOf(customer.id)).toEqual(["active-customers", "never-clicked", "repeat-buyers"]);

    shop.clock.advance(90 * DAY); // nothing happened: lapsed
    await shop.sweep();
    expect(await shop.segmentsOf(customer.id)).toEqual(["lapsed-customers", "never-clicked", "repeat-buyers"]);

    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    expect(await shop.segmentsOf(customer.id)).toEqual(["active-customers", "never-clicked", "repeat-buyers"]);

    const events = await db.segmentMembershipEvent.findMany({
      where: {
        segment: { key: "lapsed-customers" },
        shopId: (await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } })).id,
      },
      orderBy: { at: "asc" },
    });
    expect(events.map((e) => [e.change, e.cause])).toEqual([
      ["ENTERED", "time"],
      ["LEFT", "webhook"],
    ]);
  });

  it("abandoned checkout: enters after the threshold with no event, leaves when the shopper orders", async () => {
    const shop = new TestShop(uniqueShop("abandon"));
    const customer = customerPayload({ updatedAt: shop.clock.now() });
    const checkout = checkoutPayload({ customer, updatedAt: shop.clock.now() });
    await shop.deliver("checkouts/create", checkout);
    expect(await shop.segmentsOf(customer.id)).not.toContain("abandoned-checkout");

    shop.clock.advance(59 * MINUTE);
    await shop.sweep();
    expect(await shop.segmentsOf(customer.id)).not.toContain("abandoned-checkout");

    shop.clock.advance(2 * MINUTE);
    await shop.sweep();
    expect(await shop.segmentsOf(customer.id)).toContain("abandoned-checkout");

    await shop.deliver(
      "orders/create",
      orderPayload({ customer, at: shop.clock.now(), checkoutToken: checkout.token }),
    );
    expect(await shop.segmentsOf(customer.id)).not.toContain("abandoned-checkout");
  });

  it("SMS subscribers follow consent, and an older consent arriving late does not win", async () => {
    const shop = new TestShop(uniqueShop("consent"));
    const t0 = shop.clock.now();
    const t1 = new Date(t0.getTime() + DAY);
    const subscribed = customerPayload({ id: 5001, smsState: "subscribed", updatedAt: t0 });
    const unsubscribed = customerPayload({ id: 5001, smsState: "unsubscribed", updatedAt: t1 });
    await shop.deliver("customers/update", unsubscribed);
    await shop.deliver("customers/update", subscribed); // older event, delivered second
    expect(await shop.segmentsOf(5001)).toContain("opted-out");
    expect(await shop.segmentsOf(5001)).not.toContain("sms-subscribers");
    const c = await db.customer.findFirstOrThrow({ where: { shopifyId: "5001", shop: { domain: shop.domain } } });
    expect(c.smsConsent).toBe("UNSUBSCRIBED");
    expect(await db.consentEvent.count({ where: { customerId: c.id } })).toBe(2);

    await shop.deliver(
      "customers/update",
      customerPayload({ id: 5001, smsState: "subscribed", updatedAt: new Date(t1.getTime() + DAY) }),
    );
    expect(await shop.segmentsOf(5001)).toContain("sms-subscribers");
    expect(await shop.segmentsOf(5001)).not.toContain("opted-out");
  });

  it("a shopper whose checkout held a sold-out variant becomes a restock watcher", async () => {
    const shop = new TestShop(uniqueShop("restock"));
    await shop.deliver(
      "products/create",
      productPayload({ id: 77, variantId: 7701, inventoryItemId: 9901, quantity: 0, updatedAt: shop.clock.now() }),
    );
    const customer = customerPayload({ updatedAt: shop.clock.now() });
    await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: shop.clock.now(), variantId: 7701 }));
    expect(await shop.segmentsOf(customer.id)).toContain("restock-watchers");

    // Back in stock: the watch closes (the back-in-stock flow takes it from here) and they leave.
    shop.clock.advance(DAY);
    await shop.deliver(
      "inventory_levels/update",
      inventoryLevelPayload({ inventoryItemId: 9901, locationId: 1, available: 5, updatedAt: shop.clock.now() }),
    );
    expect(await shop.segmentsOf(customer.id)).not.toContain("restock-watchers");
    const watch = await db.restockWatch.findFirstOrThrow({
      where: { variantShopifyId: "7701", shop: { domain: shop.domain } },
    });
    expect(watch.restockedAt).toEqual(shop.clock.now());
  });

  it("invalid phone numbers are kept aside and never make a subscriber", async () => {
    const shop = new TestShop(uniqueShop("phone"));
    const customer = customerPayload({ phone: "12345", smsState: "subscribed", updatedAt: shop.clock.now() });
    await shop.deliver("customers/create", customer);
    const row = await db.customer.findFirstOrThrow({
      where: { shopifyId: String(customer.id), shop: { domain: shop.domain } },
    });
    expect(row).toMatchObject({
      phone: null,
      phoneRaw: "12345",
      smsConsent: "SUBSCRIBED",
      timeZone: "America/Los_Angeles",
    });
    expect(await shop.segmentsOf(customer.id)).not.toContain("sms-subscribers");
  });

  it("merchant-composed segments: Californians who are not repeat buyers", async () => {
    const shop = new TestShop(uniqueShop("custom"));
    await shop.deliver("customers/create", customerPayload({ id: 1, updatedAt: shop.clock.now() }));
    const s = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
    await db.segment.create({
      data: {
        shopId: s.id,
        key: "ca-not-repeat",
        name: "CA, not repeat",
        kind: "CUSTOM",
        definition: {
          and: [
            { type: "location", country: "US", province: "CA" },
            { not: { type: "orders_count", op: "gte", value: 2 } },
          ],
        },
      },
    });
    const ny = customerPayload({ id: 2, province: "NY", updatedAt: shop.clock.now() });
    const ca = customerPayload({ id: 3, updatedAt: shop.clock.now() });
    await shop.deliver("customers/create", ny);
    await shop.deliver("customers/create", ca);
    expect((await shop.memberships())["ca-not-repeat"]).toEqual(["3"]);
    await shop.deliver("orders/create", orderPayload({ customer: ca, at: shop.clock.now() }));
    await shop.deliver("orders/create", orderPayload({ customer: ca, at: shop.clock.now() }));
    expect((await shop.memberships())["ca-not-repeat"]).toEqual([]);
  });
});

describe("duplicates and reordering", () => {
  it("the same event stream delivered in order, or shuffled with redeliveries, gives identical memberships", async () => {
    const start = new Date("2026-06-01T12:00:00Z");
    const events: { topic: string; payload: unknown; id: string }[] = [];
    let t = start.getTime();
    for (let i = 0; i < 12; i++) {
      const v1 = customerPayload({
        id: 9000 + i,
        updatedAt: new Date((t += MINUTE)),
        smsState: i % 2 ? "subscribed" : "not_subscribed",
      });
      events.push({ topic: "customers/create", payload: v1, id: `c${i}` });
      for (let k = 0; k < i % 4; k++) {
        events.push({
          topic: "orders/create",
          payload: orderPayload({ id: 70000 + i * 10 + k, customer: v1, at: new Date((t += MINUTE)) }),
          id: `o${i}-${k}`,
        });
      }
      if (i % 3 === 0) {
        const v2 = customerPayload({
          id: 9000 + i,
          updatedAt: new Date((t += MINUTE)),
          smsState: "unsubscribed",
          city: "Oakland",
        });
        events.push({ topic: "customers/update", payload: v2, id: `u${i}` });
      }
      if (i % 5 === 0) {
        const cancelled = orderPayload({
          id: 70000 + i * 10,
          customer: v1,
          at: new Date(start.getTime() + i * 2 * MINUTE),
          updatedAt: new Date((t += MINUTE)),
          cancelledAt: new Date(t),
        });
        if (i % 4 > 0) events.push({ topic: "orders/cancelled", payload: cancelled, id: `x${i}` });
      }
    }
    const inOrder = new TestShop(uniqueShop("ordered"), new Date(t + MINUTE));
    for (const e of events) await inOrder.deliver(e.topic, e.payload, e.id);

    const shuffled = new TestShop(uniqueShop("shuffled"), new Date(t + MINUTE));
    const stream = [...events, ...events.filter((_, i) => i % 3 === 0)]; // ~30% redelivered
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = stream.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [stream[i], stream[j]] = [stream[j]!, stream[i]!];
    }
    for (const e of stream) await shuffled.deliver(e.topic, e.payload, e.id);

    const a = await inOrder.memberships();
    expect(await shuffled.memberships()).toEqual(a);
    expect(a["repeat-buyers"]!.length).toBeGreaterThan(0);
    expect(a["opted-out"]!.length).toBeGreaterThan(0);
    expect(a["sms-subscribers"]!.length).toBeGreaterThan(0);
  }, 120_000); // hundreds of webhooks twice over: slow on a loaded 2-CPU machine

  it("one shop's events never touch another shop's segments", async () => {
    const a = new TestShop(uniqueShop("iso-a"));
    const b = new TestShop(uniqueShop("iso-b"));
    const customer = customerPayload({ id: 4242, updatedAt: a.clock.now() });
    await a.deliver("orders/create", orderPayload({ customer, at: a.clock.now() }));
    await b.deliver("customers/create", customerPayload({ id: 1, updatedAt: b.clock.now() }));
    expect((await b.memberships())["one-time-buyers"]).toEqual([]);
    expect((await a.memberships())["one-time-buyers"]).toEqual(["4242"]);
  });
});
