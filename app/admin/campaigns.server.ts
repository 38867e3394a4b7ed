import type { Db } from "../db.server";
import type { ShopWithSettings } from "../commerce/shops.server";
import { CampaignInput, estimateCampaign } from "../campaigns/campaigns.server";
import { estimateHolds } from "../campaigns/holds.server";
import { performance } from "../attribution/attribute.server";
import { shopSenderName } from "../shop-name";
import { notFound } from "./auth.server";
import { pageArgs, pageOf } from "./paginate.server";
import { zonedLocalToUtc } from "./zoned-time";

/** The campaigns list, newest first, with per-campaign delivery counts and attributed revenue aggregated in the database. */
export async function campaignList(db: Db, shopId: string, url: URL) {
  const { rows, nextCursor } = pageOf(
    await db.campaign.findMany({
      where: { shopId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      include: { segment: { select: { name: true } } },
      ...pageArgs(url),
    }),
  );
  const ids = rows.map((c) => c.id);
  const [byStatus, revenue] = await Promise.all([
    db.message.groupBy({
      by: ["campaignId", "status"],
      where: { shopId, campaignId: { in: ids } },
      _count: { _all: true },
    }),
    db.attribution.groupBy({
      by: ["campaignId"],
      where: { shopId, campaignId: { in: ids }, model: "click" },
      _sum: { revenue: true },
      _count: { _all: true },
    }),
  ]);
  const count = (id: string, statuses: string[]) =>
    byStatus.filter((g) => g.campaignId === id && statuses.includes(g.status)).reduce((n, g) => n + g._count._all, 0);
  return {
    nextCursor,
    campaigns: rows.map((c) => {
      const r = revenue.find((a) => a.campaignId === c.id);
      return {
        id: c.id,
        name: c.name,
        segment: c.segment?.name ?? "(deleted segment)",
        status: c.status,
        scheduledAt: c.scheduledAt?.toISOString() ?? null,
        startedAt: c.startedAt?.toISOString() ?? null,
        finishedAt: c.finishedAt?.toISOString() ?? null,
        recipients: c.recipientsQueued || c.recipientsEstimated || 0,
        sent: count(c.id, ["SENT", "DELIVERED"]),
        delivered: count(c.id, ["DELIVERED"]),
        orders: r?._count._all ?? 0,
        revenue: Number(r?._sum.revenue ?? 0),
      };
    }),
  };
}

/** What the compose page needs: the segments to choose from and how texts are signed. */
export async function composeOptions(db: Db, shop: ShopWithSettings) {
  const segments = await db.segment.findMany({
    where: { shopId: shop.id, archivedAt: null },
    orderBy: { name: "asc" },
    select: { id: true, name: true, memberCount: true },
  });
  return { segments, senderName: shopSenderName(shop), timeZone: shop.ianaTimezone, currency: shop.currency };
}

export type FieldErrors = Partial<Record<"name" | "segmentId" | "body" | "scheduledAt" | "form", string>>;

/**
 * The compose form: name, segment, body (the domain's CampaignInput) and when. A scheduled
 * time is wall-clock time in the shop's zone, converted to UTC here, and must be in the future.
 */
export function parseCompose(
  form: FormData,
  timeZone: string,
  now: Date,
): { input: CampaignInput } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  let scheduledAt: Date | undefined;
  if (form.get("when") === "schedule") {
    const local = String(form.get("scheduledAt") ?? "");
    const at = local ? zonedLocalToUtc(local, timeZone) : null;
    if (!at) errors.scheduledAt = "choose a date and time";
    else if (at <= now) errors.scheduledAt = `that time has passed in ${timeZone}: choose a later one, or send now`;
    else scheduledAt = at;
  }
  const parsed = CampaignInput.safeParse({
    name: form.get("name") ?? "",
    segmentId: form.get("segmentId") ?? "",
    body: form.get("body") ?? "",
    scheduledAt,
  });
  if (!parsed.success)
    for (const issue of parsed.error.issues) errors[issue.path[0] as keyof FieldErrors] ??= issue.message;
  return parsed.success && !Object.keys(errors).length ? { input: parsed.data } : { errors };
}

/** The estimate shown before sending: the domain's (recipients, segments, cost) plus who the gates would hold at that time. */
export async function composeEstimate({
  db,
  shop,
  segmentId,
  body,
  at,
}: {
  db: Db;
  shop: ShopWithSettings;
  segmentId: string;
  body: string;
  at: Date;
}) {
  const segment = await db.segment.findFirst({
    where: { id: segmentId, shopId: shop.id, archivedAt: null },
    select: { id: true, memberCount: true },
  });
  if (!segment) return null;
  const [estimate, held] = await Promise.all([
    estimateCampaign({ db, shopId: shop.id, segmentId: segment.id, body }),
    estimateHolds({ db, shopId: shop.id, segmentId: segment.id, at }),
  ]);
  return {
    members: segment.memberCount,
    recipients: estimate.recipients,
    withoutConsent: Math.max(0, segment.memberCount - estimate.recipients),
    held,
    preview: estimate.preview,
    encoding: estimate.encoding.encoding,
    segmentsPerMessage: estimate.segmentsPerMessage,
    estimatedCost: estimate.estimatedCost,
    currency: estimate.currency,
    at: at.toISOString(),
  };
}
export type ComposeEstimate = NonNullable<Awaited<ReturnType<typeof composeEstimate>>>;

/** Message states as the campaign page groups them. */
const PROGRESS = {
  queued: ["SCHEDULED", "SENDING"],
  held: ["HELD"],
  sent: ["SENT"],
  delivered: ["DELIVERED"],
  failed: ["FAILED"],
  blocked: ["SUPPRESSED"],
  cancelled: ["CANCELLED"],
} as const;

/** One campaign: its progress from Message counts by status, its results, and sends / clicks over time. */
export async function campaignDetail(db: Db, shopId: string, id: string) {
  const campaign = await db.campaign.findFirst({
    where: { id, shopId },
    include: { segment: { select: { id: true, name: true } } },
  });
  if (!campaign) notFound("Campaign");
  const [byStatus, results, activity] = await Promise.all([
    db.message.groupBy({ by: ["status"], where: { shopId, campaignId: id }, _count: { _all: true } }),
    performance({ db, shopId, of: { campaignId: id } }),
    activityOverTime(db, shopId, id),
  ]);
  const progress = Object.fromEntries(
    Object.entries(PROGRESS).map(([label, statuses]) => [
      label,
      byStatus.filter((g) => (statuses as readonly string[]).includes(g.status)).reduce((n, g) => n + g._count._all, 0),
    ]),
  ) as Record<keyof typeof PROGRESS, number>;
  const total = Object.values(progress).reduce((a, b) => a + b, 0);
  return {
    campaign: {
      id: campaign.id,
      name: campaign.name,
      body: campaign.body,
      status: campaign.status,
      segment: campaign.segment,
      scheduledAt: campaign.scheduledAt?.toISOString() ?? null,
      startedAt: campaign.startedAt?.toISOString() ?? null,
      finishedAt: campaign.finishedAt?.toISOString() ?? null,
      recipientsEstimated: campaign.recipientsEstimated,
      recipientsQueued: campaign.recipientsQueued,
    },
    progress: { ...progress, total, done: total - progress.queued - progress.held },
    results,
    activity,
  };
}

/**
 * Sends and clicks per hour (per day past two days). Reads one timestamp column per
 * message and click of this campaign: the same rows performance() reads.
 */
async function activityOverTime(db: Db, shopId: string, campaignId: string) {
  const [sends, clicks] = await Promise.all([
    db.message.findMany({
      where: { shopId, campaignId, sentAt: { not: null }, status: { in: ["SENT", "DELIVERED"] } },
      select: { sentAt: true },
    }),
    db.click.findMany({ where: { shopId, link: { message: { campaignId } } }, select: { at: true } }),
  ]);
  const times = [...sends.map((m) => m.sentAt!.getTime()), ...clicks.map((c) => c.at.getTime())];
  if (!times.length) return null;
  const span = Math.max(...times) - Math.min(...times);
  const bucket = span > 2 * 86_400_000 ? 86_400_000 : 3_600_000;
  const key = (t: number) => new Date(Math.floor(t / bucket) * bucket).toISOString();
  const keys = [...new Set(times.map(key))].sort();
  const series = (list: number[]) => {
    const counts = new Map<string, number>();
    for (const t of list) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    return keys.map((k) => ({ key: k, value: counts.get(k) ?? 0 }));
  };
  return {
    bucket: bucket === 3_600_000 ? "hour" : "day",
    sends: series(sends.map((m) => m.sentAt!.getTime())),
    clicks: series(clicks.map((c) => c.at.getTime())),
  };
}
