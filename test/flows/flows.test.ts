import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR } from "../../app/clock";
import { createSegment, SegmentInput } from "../../app/segments/manage.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { TestShop, uniqueShop } from "../support/app";
import {
  checkoutPayload,
  customerPayload,
  inventoryLevelPayload,
  orderPayload,
  productPayload,
} from "../support/fixtures";

// 17:00 UTC is 10:00 in San Francisco (the fixtures' default address): inside quiet-hours windows.
const MORNING = new Date("2026-07-01T17:00:00Z");
let phone = 6000 + (process.pid % 3000);

async function shopWithFlow(label: string, flowKey: string) {
  const shop = new TestShop(uniqueShop(label), MORNING);
  const { id: shopId } = await ensureShop(db, shop.domain); // as on install
  await db.flow.update({ where: { shopId_key: { shopId, key: flowKey } }, data: { enabled: true } });
  const customer = customerPayload({
    updatedAt: new Date(MORNING.getTime() - DAY),
    // Subscribed an hour ago: fresh enough for the welcome flow (flows/freshness.ts).
    consentAt: new Date(MORNING.getTime() - HOUR),
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });
  await shop.deliver("customers/create", customer);
  return { shop, shopId, customer };
}

const messagesOf = (shopId: string) =>
  db.message.findMany({ where: { shopId, direction: "OUTBOUND" }, orderBy: { createdAt: "asc" } });
const runsOf = (shopId: string) =>
  db.flowRun.findMany({ where: { shopId }, include: { flow: { select: { key: true } } } });

describe("built-in flows, end to end from signed webhooks to the provider (fake clock)", () => {
  it("abandoned checkout: reminder at 1 h, again 24 h later (within the frequency cap), then done", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-abandon", "abandoned-checkout");
    const checkout = await shop.abandonCheckout(customer);
    let messages = await messagesOf(shopId);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ status: "DELIVERED", variant: "A" });
    expect(messages[0]!.body).toMatch(
      /you left something in your cart\. Complete your order: https:\/\/sms-app\.example\/l\/\w{8}/,
    );
    expect((await db.trackedLink.findFirstOrThrow({ where: { messageId: messages[0]!.id } })).url).toBe(
      checkout.abandoned_checkout_url,
    );

    shop.clock.advance(23 * HOUR);
    await shop.work();
    expect(await messagesOf(shopId)).toHaveLength(1);
    shop.clock.advance(HOUR);
    await shop.work();
    messages = await messagesOf(shopId);
    expect(messages.map((m) => m.status)).toEqual(["DELIVERED", "DELIVERED"]);
    expect(messages[1]!.body).toContain("Still thinking it over?");
    expect((await runsOf(shopId)).map((r) => r.status)).toEqual(["COMPLETED"]);
    const steps = await db.flowRunStep.findMany({ where: { run: { shopId } }, orderBy: { stepIndex: "asc" } });
    expect(steps.map((s) => s.outcome)).toEqual(["sent:A", "waited", "sent:A"]);
  });

  it("abandoned checkout: the shopper orders after the first reminder, so the run exits and nothing more is sent", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-exit", "abandoned-checkout");
    const checkout = await shop.abandonCheckout(customer);
    shop.clock.advance(3 * HOUR);
    await shop.deliver(
      "orders/create",
      orderPayload({ customer, at: shop.clock.now(), checkoutToken: checkout.token }),
    );
    shop.clock.advance(DAY);
    await shop.work();
    expect(await messagesOf(shopId)).toHaveLength(1);
    expect(await runsOf(shopId)).toEqual([expect.objectContaining({ status: "EXITED", exitReason: "ordered" })]);
  });

  it("opt-out mid-flow: the run exits and the waiting reminder is never sent", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-optout", "abandoned-checkout");
    await shop.abandonCheckout(customer);
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
    shop.clock.advance(DAY);
    await shop.work();
    expect(await messagesOf(shopId)).toHaveLength(1);
    expect((await runsOf(shopId))[0]).toMatchObject({ status: "EXITED", exitReason: "opted_out" });
  });

  it("back in stock: a watcher from a sold-out checkout is texted when inventory returns, once", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-restock", "back-in-stock");
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
    await shop.deliver("checkouts/create", checkoutPayload({ customer, updatedAt: shop.clock.now(), variantId: 8801 }));
    shop.clock.advance(HOUR);
    const restock = inventoryLevelPayload({
      inventoryItemId: 9801,
      locationId: 1,
      available: 12,
      updatedAt: shop.clock.now(),
    });
    await shop.deliver("inventory_levels/update", restock);
    await shop.deliver("inventory_levels/update", restock); // Shopify redelivers sometimes
    const messages = await messagesOf(shopId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toContain("Good news: Gooseneck Kettle is back in stock.");
    const link = await db.trackedLink.findFirstOrThrow({ where: { messageId: messages[0]!.id } });
    expect(link.url).toBe(`https://${shop.domain}/products/gooseneck-kettle?variant=8801`);
    expect((await db.restockWatch.findFirstOrThrow({ where: { shopId } })).notifiedAt).toEqual(shop.clock.now());
  });

  it("post-purchase: offer 14 days after a first order; a shopper who came back on their own is left alone", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-post", "post-purchase");
    const order = orderPayload({ customer, at: shop.clock.now() });
    await shop.deliver("orders/create", order);
    await shop.deliver("orders/create", order, undefined); // the same order delivered again: one run
    expect(await runsOf(shopId)).toHaveLength(1);
    shop.clock.advance(14 * DAY);
    await shop.work();
    const messages = await messagesOf(shopId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toContain("Thanks for your order, Jane!");

    const returning = customerPayload({
      updatedAt: shop.clock.now(),
      smsState: "subscribed",
      phone: `+1415555${String(++phone).padStart(4, "0")}`,
    });
    await shop.deliver("orders/create", orderPayload({ customer: returning, at: shop.clock.now() }));
    shop.clock.advance(3 * DAY);
    await shop.deliver("orders/create", orderPayload({ customer: returning, at: shop.clock.now() }));
    shop.clock.advance(14 * DAY);
    await shop.work();
    expect(await messagesOf(shopId)).toHaveLength(1);
    const runs = await db.flowRun.findMany({
      where: { shopId, customer: { shopifyId: String(returning.id) } },
      orderBy: { enteredAt: "asc" },
    });
    expect(runs.map((r) => [r.status, r.exitReason])).toEqual([
      ["EXITED", "ordered"],
      ["EXITED", "condition not met"],
    ]);
  });

  it("win-back: lapsed after 90 days with no event, texted at 10:00 in the shopper's zone", async () => {
    const { shop, shopId, customer } = await shopWithFlow("flow-winback", "win-back");
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
    shop.clock.set("2026-09-29T20:00:00Z"); // 90 days + 3 h later: 13:00 in San Francisco
    await shop.sweep();
    await shop.work();
    expect(await messagesOf(shopId)).toHaveLength(0);
    shop.clock.set("2026-09-30T17:00:00Z"); // 10:00 PDT the next day
    await shop.work();
    const messages = await messagesOf(shopId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toMatch(/We miss you, Jane! See what's new at flow-winback/);
  });

  it("welcome: a new subscriber is welcomed once; a flow that is off sends nothing", async () => {
    const { shop, shopId } = await shopWithFlow("flow-welcome", "welcome");
    const messages = await messagesOf(shopId);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toMatch(/Welcome to flow-welcome[^ ]* texts, Jane!/);
    expect(messages[0]!.body).toContain("Reply STOP to opt out.");

    const off = new TestShop(uniqueShop("flow-off"), MORNING);
    await off.deliver("customers/create", customerPayload({ updatedAt: MORNING, smsState: "subscribed" }));
    const { id: offId } = await db.shop.findUniqueOrThrow({ where: { domain: off.domain } });
    expect(await messagesOf(offId)).toHaveLength(0);
    void shop;
  });

  it("a new merchant segment's backfill does not trigger flows on the people already in it", async () => {
    const { shop, shopId } = await shopWithFlow("flow-backfill", "welcome");
    const before = (await messagesOf(shopId)).length;
    const segment = await createSegment({
      db,
      queue: shop.deps.queue,
      shopId,
      input: SegmentInput.parse({ name: "Everyone subscribed", definition: { type: "sms_subscribed" } }),
      now: shop.clock.now(),
    });
    await db.flow.create({
      data: {
        shopId,
        key: "custom-entered",
        name: "On entering",
        enabled: true,
        trigger: { type: "segment_entered", segmentKey: segment.key },
        steps: [{ type: "send", variants: [{ key: "A", weight: 1, body: "hello" }] }],
        exitConditions: ["opted_out"],
      },
    });
    await shop.work();
    expect((await db.segment.findUniqueOrThrow({ where: { id: segment.id } })).memberCount).toBe(1);
    expect(await messagesOf(shopId)).toHaveLength(before);
  });
});

describe("A/B split", () => {
  it("each run gets one variant, stably, in proportion to the weights, and the message records which", async () => {
    const shop = new TestShop(uniqueShop("flow-ab"), MORNING);
    const { id: shopId } = await ensureShop(db, shop.domain);
    await db.flow.update({
      where: { shopId_key: { shopId, key: "welcome" } },
      data: {
        enabled: true,
        steps: [
          {
            type: "send",
            variants: [
              { key: "A", weight: 1, body: "Welcome (A)" },
              { key: "B", weight: 3, body: "Welcome (B)" },
            ],
          },
        ],
      },
    });
    for (let i = 0; i < 40; i++) {
      await shop.deliver(
        "customers/create",
        customerPayload({
          updatedAt: MORNING,
          smsState: "subscribed",
          phone: `+1415555${String(++phone).padStart(4, "0")}`,
        }),
      );
    }
    const messages = await messagesOf(shopId);
    expect(messages).toHaveLength(40);
    for (const m of messages) expect(m.body).toContain(`Welcome (${m.variant})`);
    const b = messages.filter((m) => m.variant === "B").length;
    expect(b).toBeGreaterThan(20); // expected 30 of 40
    expect(b).toBeLessThan(40);
  }, 90_000); // 40 shoppers through the whole webhook → segment → flow → send pipeline: 25–56 s on a loaded machine
});
