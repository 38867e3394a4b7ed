import type { AppServices } from "../services";
import { z } from "zod";
import type { Db } from "../db.server";
import { SECOND } from "../clock";
import { QUEUES } from "../jobs/queue.server";
import { composeBody } from "../messaging/compliance";
import { scheduleMessages } from "../schedule/messages.server";
import { shopSenderName } from "../shop-name";
import { encodeSms } from "../messaging/sms-encoding";
import { PREVIEW_VALUES, renderTemplate, unknownVariables, usesVariable } from "../messaging/template";
import { discountCodeFor } from "../discounts/discount-codes.server";

/** What a merchant submits for a one-off campaign. */
export const CampaignInput = z
  .object({
    name: z.string().trim().min(1, "name is required").max(120),
    segmentId: z.string().min(1, "choose a segment"),
    body: z.string().trim().min(1, "the message is empty").max(1000),
    scheduledAt: z.coerce.date().optional(),
  })
  .superRefine((c, ctx) => {
    const unknown = unknownVariables(c.body);
    if (unknown.length)
      ctx.addIssue({ code: "custom", path: ["body"], message: `unknown placeholders: ${unknown.join(", ")}` });
  });
export type CampaignInput = z.infer<typeof CampaignInput>;

const eligible = (segmentId: string) => ({
  segmentId,
  customer: { smsConsent: "SUBSCRIBED" as const, phone: { not: null }, deletedAt: null, redactedAt: null },
});

/**
 * Before sending: who would get it (members with consent and a valid number, now), how
 * many SMS segments each text takes (the template rendered with typical values, plus the
 * sender name and first-message opt-out text), and what that costs.
 */
export async function estimateCampaign({
  db,
  shopId,
  segmentId,
  body,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  body: string;
}) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
  const recipients = await db.segmentMembership.count({ where: { ...eligible(segmentId), shopId } });
  const sample = composeBody({
    body: renderTemplate(body, { ...PREVIEW_VALUES, shop_name: shopSenderName(shop) }),
    senderName: shopSenderName(shop),
    purpose: "marketing",
    firstMessage: true,
    numberCountry: null,
  });
  const encoding = encodeSms(sample);
  const costPerSegment = Number(shop.settings!.costPerSegment);
  return {
    recipients,
    preview: sample,
    encoding,
    segmentsPerMessage: encoding.segments,
    estimatedCost: recipients * encoding.segments * costPerSegment,
    currency: "USD",
  };
}

export async function createCampaign(db: Db, shopId: string, input: CampaignInput) {
  const segment = await db.segment.findFirst({
    where: { id: input.segmentId, shopId, archivedAt: null },
    select: { id: true },
  });
  if (!segment) throw new CampaignError("that segment does not exist in this shop");
  const estimate = await estimateCampaign({ db, shopId, segmentId: segment.id, body: input.body });
  return db.campaign.create({
    data: {
      shopId,
      name: input.name,
      segmentId: segment.id,
      body: input.body,
      scheduledAt: input.scheduledAt ?? null,
      recipientsEstimated: estimate.recipients,
    },
  });
}

/** Send now or at its scheduled time: the audience is taken from the segment when it starts. */
export async function launchCampaign(deps: AppServices, shopId: string, campaignId: string) {
  const now = deps.clock.now();
  const campaign = await deps.db.campaign.findFirst({ where: { id: campaignId, shopId } });
  if (!campaign) throw new CampaignError("no such campaign");
  if (campaign.status !== "DRAFT") throw new CampaignError(`the campaign is already ${campaign.status.toLowerCase()}`);
  const at = campaign.scheduledAt && campaign.scheduledAt > now ? campaign.scheduledAt : now;
  await deps.db.campaign.update({ where: { id: campaignId }, data: { status: "SCHEDULED", scheduledAt: at } });
  await deps.queue.enqueue(QUEUES.runCampaign, { campaignId }, { runAt: at, dedupeKey: `campaign:${campaignId}` });
}

export async function cancelCampaign({
  db,
  shopId,
  campaignId,
  reason = "campaign cancelled",
}: {
  db: Db;
  shopId: string;
  campaignId: string;
  reason?: string;
}) {
  await db.campaign.updateMany({
    where: { id: campaignId, shopId, status: { in: ["DRAFT", "SCHEDULED", "SENDING"] } },
    data: { status: "CANCELLED", finishedAt: new Date() },
  });
  await db.message.updateMany({
    where: { campaignId, shopId, status: { in: ["SCHEDULED", "HELD"] } },
    data: { status: "CANCELLED", error: reason },
  });
}

const BATCH = 500;

/**
 * The campaign job: one message per eligible member (idempotent on campaign + customer, so
 * a restarted job never doubles anyone), due times spread at the shop's messages-per-second
 * so the provider's rate is respected. Each message still passes the gates at send time.
 */
export async function runCampaign(deps: AppServices, campaignId: string): Promise<void> {
  const { db } = deps;
  const campaign = await db.campaign.findUnique({
    where: { id: campaignId },
    include: { shop: { include: { settings: true } } },
  });
  if (!campaign || !campaign.segmentId || !["SCHEDULED", "SENDING"].includes(campaign.status)) return;
  if (campaign.shop.uninstalledAt) {
    // app/uninstalled cancels scheduled campaigns; this covers a fan-out already running then.
    await cancelCampaign({ db, shopId: campaign.shopId, campaignId, reason: "app uninstalled" });
    return;
  }
  const now = deps.clock.now();
  const start = campaign.startedAt ?? now;
  await db.campaign.update({ where: { id: campaignId }, data: { status: "SENDING", startedAt: start } });
  const perSecond = Math.max(1, campaign.shop.settings!.messagesPerSecond);
  const discountCode = usesVariable(campaign.body, "discount_code")
    ? await discountCodeFor({ deps, shop: campaign.shop, owner: { campaignId, title: campaign.name }, now })
    : null;
  let cursor: string | undefined;
  let queued = 0;
  for (;;) {
    const members = await db.segmentMembership.findMany({
      where: { ...eligible(campaign.segmentId), ...(cursor ? { customerId: { gt: cursor } } : {}) },
      orderBy: { customerId: "asc" },
      take: BATCH,
      include: { customer: { select: { id: true, firstName: true, phone: true } } },
    });
    // A page of members in a few statements (messaging/dispatch `scheduleMessages`).
    await scheduleMessages(
      deps,
      campaign.shopId,
      members.map((m) => ({
        shopId: campaign.shopId,
        customerId: m.customerId,
        phone: m.customer.phone,
        body: renderTemplate(campaign.body, {
          first_name: m.customer.firstName,
          shop_name: shopSenderName(campaign.shop),
          discount_code: discountCode,
        }),
        purpose: "marketing" as const,
        idempotencyKey: `campaign:${campaignId}:${m.customerId}`,
        dueAt: new Date(start.getTime() + Math.floor(queued++ / perSecond) * SECOND),
        campaignId,
      })),
    );
    if (members.length < BATCH) break;
    cursor = members.at(-1)!.customerId;
  }
  await db.campaign.update({
    where: { id: campaignId },
    data: { status: "SENT", recipientsQueued: queued, finishedAt: deps.clock.now() },
  });
}

export class CampaignError extends Error {}
