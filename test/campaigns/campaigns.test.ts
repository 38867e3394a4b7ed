import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { HOUR } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import {
  CampaignInput,
  cancelCampaign,
  createCampaign,
  estimateCampaign,
  launchCampaign,
  runCampaign,
} from "../../app/campaigns/campaigns.server";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

let phone = 9000 + (process.pid % 900);

async function shopWithBuyers(label: string) {
  const shop = new TestShop(uniqueShop(label), new Date("2026-07-01T17:00:00Z"));
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.shopSettings.update({ where: { shopId }, data: { messagesPerSecond: 2 } });
  const names = ["Ava", "Omar", "Mei", "Finn"];
  for (const [i, firstName] of names.entries()) {
    const customer = customerPayload({
      updatedAt: shop.clock.now(),
      firstName,
      smsState: i < 3 ? "subscribed" : "not_subscribed",
      phone: `+1415555${String(++phone).padStart(4, "0")}`,
    });
    await shop.deliver("orders/create", orderPayload({ customer, at: shop.clock.now() }));
  }
  const segment = await db.segment.findFirstOrThrow({ where: { shopId, key: "one-time-buyers" } });
  return { shop, shopId, segment };
}

describe("one-off campaigns to a segment", () => {
  it("estimates recipients, segments and cost before sending", async () => {
    const { shopId, segment } = await shopWithBuyers("camp-est");
    expect(segment.memberCount).toBe(4);
    const estimate = await estimateCampaign({
      db,
      shopId,
      segmentId: segment.id,
      body: "Hi {{ first_name }}, 20% off this weekend only!",
    });
    expect(estimate).toMatchObject({ recipients: 3, segmentsPerMessage: 1, currency: "USD" });
    expect(estimate.preview).toMatch(/^camp-est[^:]*: Hi Ava, 20% off this weekend only! Reply STOP to opt out\.$/);
    expect(estimate.estimatedCost).toBeCloseTo(3 * 0.0079);
    const long = await estimateCampaign({
      db,
      shopId,
      segmentId: segment.id,
      body: "Olá {{ first_name }} ☕ ".repeat(6),
    });
    expect(long.encoding.encoding).toBe("UCS-2");
    expect(long.segmentsPerMessage).toBeGreaterThan(1);
  });

  it("scheduled: sends at its time to subscribed members only, personalised, paced, once even if the job reruns", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("camp-send");
    const input = CampaignInput.parse({
      name: "Weekend sale",
      segmentId: segment.id,
      body: "Hi {{ first_name }}, 20% off this weekend!",
      scheduledAt: new Date(shop.clock.now().getTime() + 2 * HOUR),
    });
    const campaign = await createCampaign(db, shopId, input);
    expect(campaign.recipientsEstimated).toBe(3);
    await launchCampaign(shop.deps, shopId, campaign.id);
    await shop.work();
    expect(await db.message.count({ where: { campaignId: campaign.id } })).toBe(0);

    shop.clock.advance(2 * HOUR);
    await shop.work();
    await runCampaign(shop.deps, campaign.id); // a rerun after a crash changes nothing
    const messages = await db.message.findMany({ where: { campaignId: campaign.id }, orderBy: { dueAt: "asc" } });
    expect(messages).toHaveLength(3);
    expect(messages.map((m) => m.body.match(/Hi (\w+),/)?.[1]).sort()).toEqual(["Ava", "Mei", "Omar"]);
    // Two per second: the third is due a second after the first two.
    const start = messages[0]!.dueAt!.getTime();
    expect(messages.map((m) => (m.dueAt!.getTime() - start) / 1000)).toEqual([0, 0, 1]);
    shop.clock.advance(2000);
    await shop.work();
    expect((await db.message.findMany({ where: { campaignId: campaign.id } })).map((m) => m.status)).toEqual([
      "DELIVERED",
      "DELIVERED",
      "DELIVERED",
    ]);
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({
      status: "SENT",
      recipientsQueued: 3,
    });
  });

  it("a cancelled campaign sends nothing; bad input is refused with the reason", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("camp-cancel");
    const campaign = await createCampaign(
      db,
      shopId,
      CampaignInput.parse({
        name: "Oops",
        segmentId: segment.id,
        body: "Sale!",
        scheduledAt: new Date(shop.clock.now().getTime() + HOUR),
      }),
    );
    await launchCampaign(shop.deps, shopId, campaign.id);
    await cancelCampaign({ db, shopId, campaignId: campaign.id });
    shop.clock.advance(2 * HOUR);
    await shop.work();
    expect(await db.message.count({ where: { campaignId: campaign.id } })).toBe(0);
    await expect(launchCampaign(shop.deps, shopId, campaign.id)).rejects.toThrow(/already cancelled/);

    const bad = CampaignInput.safeParse({ name: "x", segmentId: segment.id, body: "Hi {{ fist_name }}" });
    expect(bad.error?.issues[0]?.message).toBe("unknown placeholders: fist_name");
    await expect(
      createCampaign(db, "another-shop", CampaignInput.parse({ name: "x", segmentId: segment.id, body: "hi" })),
    ).rejects.toThrow(/does not exist in this shop/);
  });
});
