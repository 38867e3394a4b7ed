import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { freshnessInWords } from "../../app/flows/freshness";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

// 17:00 UTC is 10:00 in San Francisco (the fixtures' default address): outside quiet hours.
const MORNING = new Date("2026-07-01T17:00:00Z");
let phone = 7000 + (process.pid % 2000);

async function shopWithFlowOn(label: string, flowKey: string) {
  const shop = new TestShop(uniqueShop(label), MORNING);
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: flowKey } }, data: { enabled: true } });
  return { shop, shopId };
}

const runsOf = (shopId: string) => db.flowRun.count({ where: { shopId } });
const subscriber = (consentAt: Date) =>
  customerPayload({
    updatedAt: MORNING,
    consentAt,
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });

describe("triggers honour the event's own time", () => {
  it("GIVEN the welcome flow on WHEN a subscription an hour old arrives THEN the shopper is welcomed", async () => {
    const { shop, shopId } = await shopWithFlowOn("fresh-welcome", "welcome");
    await shop.deliver("customers/create", subscriber(new Date(MORNING.getTime() - HOUR)));
    expect(await runsOf(shopId)).toBe(1);
  });

  it("GIVEN the welcome flow on WHEN a subscription three days old arrives late THEN no run starts and nothing is sent", async () => {
    const { shop, shopId } = await shopWithFlowOn("stale-welcome", "welcome");
    await shop.deliver("customers/create", subscriber(new Date(MORNING.getTime() - 3 * DAY)));
    expect(await runsOf(shopId)).toBe(0);
    expect(await db.message.count({ where: { shopId } })).toBe(0);
    // The shopper is a subscriber all the same: only the flow held back.
    expect((await shop.memberships())["sms-subscribers"]).toHaveLength(1);
  });

  it("GIVEN the post-purchase flow on WHEN an order placed two days ago is delivered now THEN no run starts", async () => {
    const { shop, shopId } = await shopWithFlowOn("stale-order", "post-purchase");
    const customer = subscriber(new Date(MORNING.getTime() - 10 * DAY));
    await shop.deliver("customers/create", customer);
    await shop.deliver("orders/create", orderPayload({ customer, at: new Date(MORNING.getTime() - 2 * DAY) }));
    expect(await runsOf(shopId)).toBe(0);
    await shop.deliver("orders/create", orderPayload({ customer, at: new Date(MORNING.getTime() - HOUR) }));
    expect(await runsOf(shopId)).toBe(1);
  });

  it("says each trigger's window in words for the flow editor", () => {
    expect(freshnessInWords({ type: "subscribed" })).toMatch(/within 12 hours of when the shopper subscribed/);
    expect(freshnessInWords({ type: "segment_entered", segmentKey: "abandoned-checkout" })).toMatch(/24 hours/);
  });
});
