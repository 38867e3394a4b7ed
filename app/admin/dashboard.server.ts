import type { Db } from "../db.server";
import { DAY } from "../clock";
import { Prisma } from "../generated/sqlite/client";
import { resolveDatabaseTarget } from "../config/database-url";
import type { ShopWithSettings } from "../commerce/shops.server";
import { PERIODS, type Period } from "./periods";
import { latestSync } from "../sync/run.server";
import { syncReport } from "../sync/report.server";

/**
 * The home page's numbers. Everything is aggregated in the database (counts, sums and
 * GROUP BY day over an indexed date range: Message [shopId, sentAt], Click [shopId, at],
 * Attribution [shopId, at], ConsentEvent [shopId, state, occurredAt]), so the page costs
 * the same for a shop of a thousand customers or a million.
 */

export function periodOf(url: URL): Period {
  const days = Number(url.searchParams.get("days"));
  return (PERIODS as readonly number[]).includes(days) ? (days as Period) : 30;
}

export interface ChecklistStep {
  key: "history" | "provider" | "flow" | "checkout" | "disclosure";
  done: boolean;
  detail: string;
}

/** Getting started: what the merchant still has to do before texts can go out. */
export async function onboardingChecklist(db: Db, shop: ShopWithSettings): Promise<ChecklistStep[]> {
  const [sync, enabledFlows, checkoutConsent] = await Promise.all([
    latestSync(db, shop.id),
    db.flow.count({ where: { shopId: shop.id, enabled: true } }),
    // We can't see the theme editor: the first consent collected at checkout is the proof
    // that the checkout block was added.
    db.consentEvent.findFirst({ where: { shopId: shop.id, source: "CHECKOUT" }, select: { id: true } }),
  ]);
  const s = shop.settings;
  const syncing = sync?.status === "RUNNING" || sync?.status === "SEGMENTS";
  return [
    {
      key: "history",
      done: sync?.status === "COMPLETED",
      detail: !sync
        ? "Your store's history has not been imported yet. Start it in Settings."
        : syncing
          ? "Importing your customers, orders and products; segments fill when it finishes."
          : sync.status === "FAILED"
            ? `The import stopped: ${sync.error ?? "unknown error"}. Start it again in Settings.`
            : "Customers, orders and products are imported; segments include your store's history.",
    },
    {
      key: "provider",
      // The local outbox is a valid choice (a demo, or a merchant trying things out); the
      // detail says that nothing leaves the app with it.
      done: s.provider === "twilio" || s.provider === "outbox",
      detail:
        s.provider === "twilio"
          ? "Twilio is connected."
          : "Using the local outbox: texts stay in the app. Connect Twilio in Settings to send for real.",
    },
    {
      key: "flow",
      done: enabledFlows > 0,
      // Segments are incomplete until the history is in: turning flows on waits for it.
      detail: enabledFlows
        ? `${enabledFlows} flow${enabledFlows > 1 ? "s" : ""} on.`
        : syncing
          ? "Wait for the history import to finish, then turn a flow on in Flows."
          : "Every flow is off. Turn one on in Flows.",
    },
    {
      key: "checkout",
      done: !!checkoutConsent,
      detail: checkoutConsent
        ? "Consent is arriving from checkout."
        : "Add the SMS consent block to checkout in the checkout editor; this turns green with the first consent collected there.",
    },
    {
      key: "disclosure",
      done: !!s.disclosurePublishedAt,
      detail: s.disclosurePublishedAt
        ? "The checkout shows your disclosure."
        : "Write the consent disclosure in Settings and publish it to checkout.",
    },
  ];
}

export interface KeyNumbers {
  sent: number;
  delivered: number;
  clicks: number;
  clickThroughRate: number | null;
  optOuts: number;
  optOutRate: number | null;
  revenue: number;
  cost: number;
}

const range = (since: Date, until: Date) => ({ gte: since, lt: until });
// Marketing texts only: STOP/HELP replies are not what the merchant is measuring.
const marketingSent = (shopId: string, since: Date, until: Date) => ({
  shopId,
  direction: "OUTBOUND" as const,
  purpose: "marketing",
  sentAt: range(since, until),
});
/**
 * An order can be credited both ways (a click and a send); revenue counts it once: every
 * click credit, plus send credits of orders no click earned.
 */
const countedOnce = {
  OR: [{ model: "click" }, { model: "send", order: { attributions: { none: { model: "click" } } } }],
};

/** One shop over a period [since, until). */
interface ShopPeriod {
  db: Db;
  shopId: string;
  since: Date;
  until: Date;
}

/**
 * Marketing texts sent (accepted by the provider) and delivered in the period, clicks on
 * their links, CTR (clicks per delivered text), opt-outs (per delivered text), attributed
 * revenue and cost.
 */
export async function keyNumbers({ db, shopId, since, until }: ShopPeriod): Promise<KeyNumbers> {
  const [byStatus, clicks, optOuts, revenue] = await Promise.all([
    db.message.groupBy({
      by: ["status"],
      where: { ...marketingSent(shopId, since, until), status: { in: ["SENT", "DELIVERED", "FAILED"] } },
      _count: { _all: true },
      _sum: { cost: true },
    }),
    db.click.count({ where: { shopId, at: range(since, until) } }),
    db.consentEvent.count({ where: { shopId, state: "UNSUBSCRIBED", occurredAt: range(since, until) } }),
    db.attribution.aggregate({ where: { shopId, at: range(since, until), ...countedOnce }, _sum: { revenue: true } }),
  ]);
  const count = (status: string) => byStatus.find((g) => g.status === status)?._count._all ?? 0;
  const sent = count("SENT") + count("DELIVERED");
  const delivered = count("DELIVERED");
  const base = delivered || sent;
  return {
    sent,
    delivered,
    clicks,
    clickThroughRate: base ? clicks / base : null,
    optOuts,
    optOutRate: base ? optOuts / base : null,
    revenue: Number(revenue._sum.revenue ?? 0),
    cost: byStatus.reduce((sum, g) => sum + Number(g._sum.cost ?? 0), 0),
  };
}

export interface DayPoint {
  day: string; // YYYY-MM-DD (UTC)
  sent: number;
  delivered: number;
  revenue: number;
}

/** Days are UTC calendar days: the one day boundary both databases compute the same way. */
export function dayExpression(column: string) {
  const quoted = `"${column}"`;
  // SQLite keeps DateTime as ISO-8601 text (the driver adapter's default), PostgreSQL as timestamp.
  return Prisma.raw(
    resolveDatabaseTarget().provider === "sqlite" ? `substr(${quoted}, 1, 10)` : `to_char(${quoted}, 'YYYY-MM-DD')`,
  );
}

/** Sent / delivered texts and attributed revenue per day, every day of the period present. */
export async function dailySeries({ db, shopId, since, until }: ShopPeriod): Promise<DayPoint[]> {
  const sentDay = dayExpression("sentAt");
  const atDay = dayExpression("at");
  const [messages, revenue] = await Promise.all([
    db.$queryRaw<{ day: string; sent: number | bigint; delivered: number | bigint }[]>`
      SELECT ${sentDay} AS day, COUNT(*) AS sent, SUM(CASE WHEN "status" = 'DELIVERED' THEN 1 ELSE 0 END) AS delivered
      FROM "Message"
      WHERE "shopId" = ${shopId} AND "sentAt" >= ${since} AND "sentAt" < ${until}
        AND "direction" = 'OUTBOUND' AND "purpose" = 'marketing' AND "status" IN ('SENT', 'DELIVERED')
      GROUP BY 1`,
    db.$queryRaw<{ day: string; revenue: number | string | null }[]>`
      SELECT ${atDay} AS day, SUM("revenue") AS revenue
      FROM "Attribution" a
      WHERE "shopId" = ${shopId} AND "at" >= ${since} AND "at" < ${until}
        AND ("model" = 'click' OR NOT EXISTS (SELECT 1 FROM "Attribution" c WHERE c."orderId" = a."orderId" AND c."model" = 'click'))
      GROUP BY 1`,
  ]);
  const byDay = new Map<string, DayPoint>();
  for (let t = startOfUtcDay(since).getTime(); t < until.getTime(); t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    byDay.set(day, { day, sent: 0, delivered: 0, revenue: 0 });
  }
  for (const m of messages) {
    const point = byDay.get(m.day);
    if (point) Object.assign(point, { sent: Number(m.sent), delivered: Number(m.delivered) });
  }
  for (const r of revenue) {
    const point = byDay.get(r.day);
    if (point) point.revenue = Number(r.revenue ?? 0);
  }
  return [...byDay.values()];
}

const startOfUtcDay = (at: Date) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));

export interface BusySegment {
  id: string;
  name: string;
  memberCount: number;
  entered: number;
}

/**
 * The busiest segments: the largest, and those with the most shoppers entering in the
 * period (one GROUP BY over membership events, indexed by [shopId, at]).
 */
export async function busiestSegments({
  db,
  shopId,
  since,
  limit = 5,
}: Omit<ShopPeriod, "until"> & { limit?: number }): Promise<BusySegment[]> {
  const [segments, entries] = await Promise.all([
    db.segment.findMany({ where: { shopId, archivedAt: null }, select: { id: true, name: true, memberCount: true } }),
    db.segmentMembershipEvent.groupBy({
      by: ["segmentId"],
      where: { shopId, change: "ENTERED", at: { gte: since } },
      _count: { _all: true },
    }),
  ]);
  const entered = new Map(entries.map((e) => [e.segmentId, e._count._all]));
  return segments
    .map((s) => ({ ...s, entered: entered.get(s.id) ?? 0 }))
    .sort((a, b) => b.memberCount - a.memberCount || b.entered - a.entered)
    .slice(0, limit);
}

/** Everything the home page shows for a period ending now. */
export async function dashboard({ db, shop, days, now }: { db: Db; shop: ShopWithSettings; days: Period; now: Date }) {
  const since = new Date(startOfUtcDay(now).getTime() - (days - 1) * DAY);
  const [checklist, numbers, series, segments, sync] = await Promise.all([
    onboardingChecklist(db, shop),
    keyNumbers({ db, shopId: shop.id, since, until: now }),
    dailySeries({ db, shopId: shop.id, since, until: now }),
    busiestSegments({ db, shopId: shop.id, since }),
    syncReport(db, shop.id, now),
  ]);
  return { days, since, checklist, numbers, series, segments, sync, currency: shop.currency };
}
