import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { MINUTE } from "../../app/clock";
import { estimateCampaign } from "../../app/campaigns/campaigns.server";
import { estimateHolds } from "../../app/campaigns/holds.server";
import { performance } from "../../app/attribution/attribute.server";
import { utcToZonedLocal } from "../../app/admin/zoned-time";
import { loader as listLoader } from "../../app/routes/app.campaigns._index";
import { action as composeAction, loader as composeLoader } from "../../app/routes/app.campaigns.new";
import { action as campaignAction, loader as campaignLoader } from "../../app/routes/app.campaigns.$id";
import { AdminClient } from "../support/admin-pages";
import { shopWithBuyers } from "../support/campaign-shop";
import { uniqueShop } from "../support/app";

const BODY = "Hi {{ first_name }}, 20% off this weekend: https://shop.example/sale";
const tomorrowLocal = (timeZone: string, time: string) =>
  `${utcToZonedLocal(new Date(Date.now() + 86_400_000), timeZone).slice(0, 10)}T${time}`;

const composeForm = (form: Record<string, string>) => ({
  intent: "create",
  name: "Weekend sale",
  body: BODY,
  when: "now",
  ...form,
});

/** Submits the compose form; answers the field errors when it is refused. */
async function compose(client: AdminClient, form: Record<string, string>) {
  return client.act(composeAction, "/app/campaigns/new", composeForm(form));
}

/** Submits the compose form that must succeed: the page redirects to the new campaign, whose id is returned. */
async function launch(client: AdminClient, form: Record<string, string>): Promise<string> {
  const request = await client.request("/app/campaigns/new", { form: composeForm(form) });
  const response = (await composeAction({ request, params: {}, context: {} })) as Response;
  expect(response.status).toBe(302);
  return response.headers.get("location")!.split("/").at(-1)!;
}

describe("campaign pages", () => {
  it("the compose page offers the shop's segments and estimates exactly what the domain estimates", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-est");
    const client = new AdminClient(shop.domain);
    const page = await client.load(composeLoader, "/app/campaigns/new");
    expect(page.segments.map((s) => s.id)).toContain(segment.id);

    const result = await client.act(composeAction, "/app/campaigns/new", {
      intent: "estimate",
      segmentId: segment.id,
      body: BODY,
      when: "now",
    });
    const estimate = "estimate" in result ? result.estimate! : null;
    const domain = await estimateCampaign({ db, shopId, segmentId: segment.id, body: BODY });
    expect(estimate).toMatchObject({
      members: 5,
      recipients: domain.recipients,
      withoutConsent: 1,
      segmentsPerMessage: domain.segmentsPerMessage,
      preview: domain.preview,
      estimatedCost: domain.estimatedCost,
    });
    expect(estimate!.recipients).toBe(4);
    expect(estimate!.held).toEqual(
      await estimateHolds({ db, shopId, segmentId: segment.id, at: new Date(estimate!.at) }),
    );
  });

  it("who the gates would hold: Kuala Lumpur in its night, and shoppers already texted within the cap", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-holds");
    expect(await estimateHolds({ db, shopId, segmentId: segment.id, at: shop.clock.now() })).toEqual({
      quietHours: 1,
      frequencyCap: 0,
    });
    const client = new AdminClient(shop.domain);
    await launch(client, { segmentId: segment.id });
    await shop.work();
    expect(
      await estimateHolds({ db, shopId, segmentId: segment.id, at: new Date(shop.clock.now().getTime() + MINUTE) }),
    ).toEqual({
      quietHours: 1,
      frequencyCap: 3,
    });
  });

  it("schedules at a wall-clock time in the shop's zone, stored as the right UTC instant, and lists it as scheduled", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-sched");
    await db.shop.update({ where: { id: shopId }, data: { ianaTimezone: "Asia/Kuala_Lumpur" } });
    const client = new AdminClient(shop.domain);
    const local = tomorrowLocal("Asia/Kuala_Lumpur", "09:30");
    const id = await launch(client, { segmentId: segment.id, when: "schedule", scheduledAt: local });
    const campaign = await db.campaign.findFirstOrThrow({ where: { shopId } });
    expect(campaign.id).toBe(id);
    expect(campaign.status).toBe("SCHEDULED");
    expect(campaign.scheduledAt!.toISOString()).toBe(`${local.slice(0, 10)}T01:30:00.000Z`); // UTC+8
    expect(campaign.recipientsEstimated).toBe(4);

    const list = await client.load(listLoader, "/app/campaigns");
    expect(list.campaigns).toEqual([
      expect.objectContaining({
        id: campaign.id,
        name: "Weekend sale",
        status: "SCHEDULED",
        segment: segment.name,
        scheduledAt: campaign.scheduledAt!.toISOString(),
        recipients: 4,
      }),
    ]);
  });

  it("refuses a past time, a missing name or segment and unknown placeholders, field by field, creating nothing", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-invalid");
    const client = new AdminClient(shop.domain);
    const past = utcToZonedLocal(new Date(Date.now() - 60 * MINUTE), "UTC");
    const request = await client.request("/app/campaigns/new", {
      form: composeForm({ segmentId: segment.id, when: "schedule", scheduledAt: past }),
    });
    expect(await client.statusOf(composeAction({ request, params: {}, context: {} }))).toBe(400);
    expect(await compose(client, { segmentId: segment.id, when: "schedule", scheduledAt: past })).toEqual({
      errors: { scheduledAt: "that time has passed in UTC: choose a later one, or send now" },
    });
    expect(
      await compose(client, {
        name: " ",
        segmentId: "",
        body: "Hi {{ fist_name }}",
        when: "schedule",
        scheduledAt: "",
      }),
    ).toEqual({
      errors: {
        name: "name is required",
        segmentId: "choose a segment",
        body: "unknown placeholders: fist_name",
        scheduledAt: "choose a date and time",
      },
    });
    expect(await db.campaign.count({ where: { shopId } })).toBe(0);
  });

  it("send now: the worker sends, and the campaign page shows progress by message status and the results", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-send");
    const client = new AdminClient(shop.domain);
    const campaign = await db.campaign.findUniqueOrThrow({
      where: { id: await launch(client, { segmentId: segment.id }), shopId },
    });
    const before = await client.load(campaignLoader, `/app/campaigns/${campaign.id}`, { id: campaign.id });
    expect(before.campaign.status).toBe("SCHEDULED");
    expect(before.progress.total).toBe(0);

    await shop.work();
    const after = await client.load(campaignLoader, `/app/campaigns/${campaign.id}`, { id: campaign.id });
    expect(after.campaign).toMatchObject({ status: "SENT", recipientsQueued: 4 });
    expect(after.progress).toMatchObject({
      queued: 0,
      held: 1,
      delivered: 3,
      failed: 0,
      blocked: 0,
      total: 4,
      done: 3,
    });
    expect(after.results).toEqual(await performance({ db, shopId, of: { campaignId: campaign.id } }));
    expect(after.results).toMatchObject({ sent: 3, delivered: 3, deliveryRate: 1 });
    expect(after.activity?.sends.reduce((n, p) => n + p.value, 0)).toBe(3);

    const list = await client.load(listLoader, "/app/campaigns");
    expect(list.campaigns[0]).toMatchObject({ id: campaign.id, status: "SENT", sent: 3, delivered: 3 });
  });

  it("cancel stops a scheduled campaign: nothing is sent when its time comes", async () => {
    const { shop, shopId, segment } = await shopWithBuyers("cp-cancel");
    const client = new AdminClient(shop.domain);
    const campaign = await db.campaign.findUniqueOrThrow({
      where: {
        id: await launch(client, {
          segmentId: segment.id,
          when: "schedule",
          scheduledAt: tomorrowLocal("UTC", "18:00"),
        }),
        shopId,
      },
    });
    expect(
      await client.act(campaignAction, `/app/campaigns/${campaign.id}`, { intent: "cancel" }, { id: campaign.id }),
    ).toEqual({ cancelled: true });
    shop.clock.advance(3 * 86_400_000);
    await shop.work();
    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "CANCELLED" });
    expect(await db.message.count({ where: { campaignId: campaign.id } })).toBe(0);
  });

  it("shop B cannot see, cancel or send to shop A's campaign or segment", async () => {
    const a = await shopWithBuyers("cp-owner");
    const ownerClient = new AdminClient(a.shop.domain);
    const campaign = await db.campaign.findUniqueOrThrow({
      where: {
        id: await launch(ownerClient, {
          segmentId: a.segment.id,
          when: "schedule",
          scheduledAt: tomorrowLocal("UTC", "18:00"),
        }),
      },
    });
    const other = new AdminClient(uniqueShop("cp-intruder"));

    expect((await other.load(listLoader, "/app/campaigns")).campaigns).toEqual([]);
    expect(await other.statusOf(other.load(campaignLoader, `/app/campaigns/${campaign.id}`, { id: campaign.id }))).toBe(
      404,
    );
    expect(
      await other.statusOf(
        other.act(campaignAction, `/app/campaigns/${campaign.id}`, { intent: "cancel" }, { id: campaign.id }),
      ),
    ).toBe(404);
    expect(
      await other.statusOf(
        other.act(composeAction, "/app/campaigns/new", { intent: "estimate", segmentId: a.segment.id, body: BODY }),
      ),
    ).toBe(404);
    expect(await compose(other, { segmentId: a.segment.id })).toEqual({
      errors: { segmentId: "that segment does not exist in this shop" },
    });
    expect((await other.load(composeLoader, "/app/campaigns/new")).segments.map((s) => s.id)).not.toContain(
      a.segment.id,
    );

    expect(await db.campaign.findUniqueOrThrow({ where: { id: campaign.id } })).toMatchObject({ status: "SCHEDULED" });
    expect(await db.campaign.count({ where: { segmentId: a.segment.id } })).toBe(1);
  });
});
