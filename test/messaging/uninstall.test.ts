import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY, HOUR } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { CampaignInput, createCampaign, launchCampaign } from "../../app/campaigns/campaigns.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";

let phone = 3000 + (process.pid % 900);

/** A shop mid-business: a shopper part-way through the abandoned-checkout flow and a campaign scheduled for tomorrow. */
async function busyShop(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T18:00:00Z")); // 11:00 in San Francisco
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.flow.update({ where: { shopId_key: { shopId, key: "abandoned-checkout" } }, data: { enabled: true } });
  const shopper = customerPayload({
    updatedAt: new Date("2026-07-01T12:00:00Z"),
    smsState: "subscribed",
    phone: `+1415555${String(++phone).padStart(4, "0")}`,
  });
  await shop.deliver("customers/create", shopper);
  await shop.abandonCheckout(shopper);
  const customer = await db.customer.findFirstOrThrow({ where: { shopId, shopifyId: String(shopper.id) } });
  const segment = await db.segment.findFirstOrThrow({ where: { shopId, key: "sms-subscribers" } });
  const campaign = await createCampaign(
    db,
    shopId,
    CampaignInput.parse({
      name: "Tomorrow",
      segmentId: segment.id,
      body: "Sale!",
      scheduledAt: new Date(shop.clock.now().getTime() + DAY),
    }),
  );
  await launchCampaign(shop.deps, shopId, campaign.id);
  return { shop, shopId, customer, campaign };
}

const sentTo = (to: string | null) => testProviders.outbox.sent.filter((s) => s.to === to).length;

describe("app/uninstalled stops everything", () => {
  it("cancels pending texts, flow runs in progress and scheduled campaigns, each with the reason", async () => {
    // GIVEN a run waiting for its next reminder and a campaign scheduled
    const { shop, shopId, customer, campaign } = await busyShop("bye-pending");
    const before = sentTo(customer.phone);
    expect(await db.flowRun.count({ where: { shopId, status: { in: ["ACTIVE", "WAITING"] } } })).toBe(1);
    // WHEN the merchant uninstalls
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    // THEN nothing is left to go, and nothing goes however long the worker runs
    expect(await db.flowRun.findFirstOrThrow({ where: { shopId } })).toMatchObject({
      status: "EXITED",
      exitReason: "app uninstalled",
    });
    expect((await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).status).toBe("CANCELLED");
    expect(await db.message.count({ where: { shopId, status: { in: ["SCHEDULED", "HELD"] } } })).toBe(0);
    shop.clock.advance(3 * DAY);
    await shop.work();
    expect(sentTo(customer.phone)).toBe(before);
  });

  it("refuses a text scheduled after uninstall at send time, with the reason recorded", async () => {
    const { shop, shopId, customer } = await busyShop("bye-refuse");
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    const { id } = await scheduleMessage(shop.deps, {
      shopId,
      customerId: customer.id,
      body: "Still here?",
      purpose: "marketing",
      idempotencyKey: "after-uninstall",
      dueAt: shop.clock.now(),
    });
    await shop.work();
    const refused = await db.message.findUniqueOrThrow({ where: { id } });
    expect(refused).toMatchObject({
      status: "SUPPRESSED",
      error: expect.stringMatching(/^installed: the app was uninstalled/),
    });
  });

  it("starts no new flow run for events that still arrive after uninstall", async () => {
    const { shop, shopId } = await busyShop("bye-flows");
    await shop.deliver("app/uninstalled", { id: 1, domain: shop.domain });
    const late = customerPayload({ updatedAt: shop.clock.now(), smsState: "subscribed", phone: "+14155550999" });
    await shop.deliver("customers/create", late);
    await shop.abandonCheckout(late);
    shop.clock.advance(HOUR);
    await shop.work();
    expect(await db.flowRun.count({ where: { shopId, status: { in: ["ACTIVE", "WAITING"] } } })).toBe(0);
  });
});
