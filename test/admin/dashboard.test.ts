import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { loader } from "../../app/routes/app._index";
import { recordClick } from "../../app/tracking/links.server";
import { TestShop, uniqueShop } from "../support/app";
import { AdminClient } from "../support/admin-pages";
import { customerPayload, orderPayload } from "../support/fixtures";

let phone = 3000 + (process.pid % 1000);
const today = () => new Date(Math.floor(Date.now() / DAY) * DAY);

/**
 * Three days ago at 17:00 UTC a subscribed shopper abandoned a checkout; the abandoned-
 * checkout flow texted them, they clicked, ordered ($84, credited both ways) and later
 * opted out. The home page's numbers are asked of the real loader (it reads "now").
 */
async function busyShop(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date(today().getTime() - 3 * DAY + 17 * HOUR));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "abandoned-checkout" } }, data: { enabled: true } });
  const customer = customerPayload({
    updatedAt: shop.clock.now(),
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });
  await shop.abandonCheckout(customer);
  const message = await db.message.findFirstOrThrow({ where: { shopId, status: "DELIVERED" } });
  const link = await db.trackedLink.findFirstOrThrow({ where: { messageId: message.id } });
  shop.clock.advance(10 * MINUTE);
  await recordClick(db, link.code, shop.clock.now());
  shop.clock.advance(HOUR);
  // The shopper ticks the SMS box at checkout (Shopify's top-level checkout consent fields).
  await shop.deliver("orders/create", {
    ...orderPayload({ customer, at: shop.clock.now(), total: "84.00" }),
    buyer_accepts_sms_marketing: true,
    sms_marketing_phone: customer.phone,
  });
  shop.clock.advance(HOUR);
  const at = shop.clock.now().toISOString();
  await shop.deliver("customers/update", {
    ...customer,
    updated_at: at,
    sms_marketing_consent: {
      state: "unsubscribed",
      opt_in_level: "single_opt_in",
      consent_updated_at: at,
      consent_collected_from: "SHOPIFY",
    },
  });
  return { shop, shopId, message };
}

describe("home dashboard", () => {
  it("shows the period's numbers, aggregated from the messages, clicks, attributions and opt-outs", async () => {
    const { shop, message } = await busyShop("dash");
    const data = await new AdminClient(shop.domain).load(loader, "/app?days=7");
    expect(data.days).toBe(7);
    expect(data.numbers).toEqual({
      sent: 1,
      delivered: 1,
      clicks: 1,
      clickThroughRate: 1,
      optOuts: 1,
      optOutRate: 1,
      revenue: 84, // credited by click and by send: counted once
      cost: expect.closeTo(0.0079, 6),
    });
    expect(data.series).toHaveLength(7);
    const day = message.sentAt!.toISOString().slice(0, 10);
    expect(data.series.filter((p) => p.sent || p.revenue)).toEqual([{ day, sent: 1, delivered: 1, revenue: 84 }]);
    expect(data.series.at(-1)!.day).toBe(today().toISOString().slice(0, 10));
  });

  it("ticks off the checklist from what happened: outbox chosen, a flow on, consent from checkout; the disclosure is not published", async () => {
    const { shop } = await busyShop("dash-list");
    const data = await new AdminClient(shop.domain).load(loader, "/app");
    expect(data.days).toBe(30);
    expect(data.checklist.map((s) => [s.key, s.done])).toEqual([
      ["history", false], // this shop's history came by webhooks: it was never imported
      ["provider", true],
      ["flow", true],
      ["checkout", true],
      ["disclosure", false],
    ]);
    expect(data.checklist.find((s) => s.key === "provider")!.detail).toMatch(/local outbox/);
  });

  it("lists the busiest segments by members and recent entries", async () => {
    const { shop, shopId } = await busyShop("dash-seg");
    const data = await new AdminClient(shop.domain).load(loader, "/app?days=90");
    const subscribers = await db.segment.findUniqueOrThrow({
      where: { shopId_key: { shopId, key: "sms-subscribers" } },
    });
    expect(data.segments.length).toBeGreaterThan(0);
    expect(data.segments.length).toBeLessThanOrEqual(5);
    expect(data.segments.map((s) => s.memberCount)).toEqual(
      [...data.segments.map((s) => s.memberCount)].sort((a, b) => b - a),
    );
    const entered = await db.segmentMembershipEvent.groupBy({
      by: ["segmentId"],
      where: { shopId, change: "ENTERED" },
      _count: { _all: true },
    });
    for (const s of data.segments) expect(s.entered).toBe(entered.find((e) => e.segmentId === s.id)?._count._all ?? 0);
    expect(subscribers.memberCount).toBe(0); // opted out: left the segment, but entered it in the period
    expect(entered.some((e) => e.segmentId === subscribers.id)).toBe(true);
  });

  it("a new shop sees zeros and every step to do; another shop's activity never shows", async () => {
    await busyShop("dash-other");
    const data = await new AdminClient(uniqueShop("dash-empty")).load(loader, "/app?days=90");
    expect(data.numbers).toEqual({
      sent: 0,
      delivered: 0,
      clicks: 0,
      clickThroughRate: null,
      optOuts: 0,
      optOutRate: null,
      revenue: 0,
      cost: 0,
    });
    expect(data.series.every((p) => !p.sent && !p.revenue)).toBe(true);
    expect(data.checklist.filter((s) => !s.done).map((s) => s.key)).toEqual([
      "history",
      "flow",
      "checkout",
      "disclosure",
    ]);
  });
});
