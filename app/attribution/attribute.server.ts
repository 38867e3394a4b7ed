import type { Prisma } from "../generated/sqlite/client";
import type { Db } from "../db.server";
import { DAY, HOUR } from "../clock";

/** The mirrored order as attribution reads it (the webhook worker has just read it). */
export interface AttributedOrder {
  id: string;
  customerId: string | null;
  /** As stored, or the payload's decimal string (both are written as they are). */
  totalPrice: Prisma.Decimal | string;
  processedAt: Date;
  cancelledAt: Date | null;
}

/** The shop's attribution windows (ShopSettings, which the worker holds with the shop). */
export interface AttributionWindows {
  attributionClickDays: number;
  attributionSendHours: number;
}

/**
 * Credits orders to the messages that earned them, two ways, each at most once per order:
 * "click": the latest tracked-link click by the shopper within the click window (default
 * 5 days) before the order; "send": the latest marketing SMS sent to the shopper within
 * the send window (default 24 h). A cancelled order takes its credit back.
 * For one order (a webhook) or a batch's (webhooks/process-batch): the clicks and the sends
 * of all the orders' shoppers within the windows are read in one query each, and each
 * order takes the latest before it; only a credit writes.
 */
export async function attributeOrders({
  db,
  shopId,
  orders,
  settings,
}: {
  db: Db;
  shopId: string;
  orders: readonly AttributedOrder[];
  settings: AttributionWindows;
}): Promise<void> {
  const cancelled = orders.filter((o) => o.customerId && o.cancelledAt).map((o) => o.id);
  if (cancelled.length) await db.attribution.deleteMany({ where: { orderId: { in: cancelled } } });
  const placed = orders.filter((o) => o.customerId && !o.cancelledAt);
  if (!placed.length) return;
  const customerId = { in: [...new Set(placed.map((o) => o.customerId!))] };
  const times = placed.map((o) => o.processedAt.getTime());
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const clickWindow = settings.attributionClickDays * DAY;
  const sendWindow = settings.attributionSendHours * HOUR;
  // The clicks alone first: an `include` of their links' messages costs two more statements
  // even when there is no click (most orders), so a message is read only for a click.
  const clicks = await db.click.findMany({
    where: {
      shopId,
      customerId,
      at: { lte: new Date(last), gt: new Date(first - clickWindow) },
      link: { messageId: { not: null } },
    },
    orderBy: { at: "desc" },
    select: { linkId: true, customerId: true, at: true },
  });
  const sends = await db.message.findMany({
    where: {
      shopId,
      customerId,
      direction: "OUTBOUND",
      purpose: "marketing",
      status: { in: ["SENT", "DELIVERED"] },
      sentAt: { lte: new Date(last), gt: new Date(first - sendWindow) },
    },
    orderBy: { sentAt: "desc" },
    select: { id: true, flowId: true, campaignId: true, customerId: true, sentAt: true },
  });
  for (const order of placed) {
    const at = order.processedAt.getTime();
    // Newest first: the first within the window before the order is the latest.
    const within = (t: Date | null, window: number) => !!t && t.getTime() <= at && t.getTime() > at - window;
    const click = clicks.find((c) => c.customerId === order.customerId && within(c.at, clickWindow));
    const clicked = click
      ? await db.message.findFirst({
          where: { shopId, links: { some: { id: click.linkId } } },
          select: { id: true, flowId: true, campaignId: true },
        })
      : null;
    await credit(db, { shopId, order, model: "click", message: clicked });
    const sent = sends.find((m) => m.customerId === order.customerId && within(m.sentAt, sendWindow));
    await credit(db, { shopId, order, model: "send", message: sent });
  }
}

async function credit(
  db: Db,
  o: {
    shopId: string;
    order: AttributedOrder;
    model: "click" | "send";
    message: { id: string; flowId: string | null; campaignId: string | null } | null | undefined;
  },
) {
  const { order, model, message } = o;
  if (!message) return;
  const data = {
    shopId: o.shopId,
    orderId: order.id,
    messageId: message.id,
    flowId: message.flowId,
    campaignId: message.campaignId,
    model,
    revenue: order.totalPrice,
    at: order.processedAt,
  };
  await db.attribution.upsert({ where: { orderId_model: { orderId: order.id, model } }, create: data, update: data });
}

export interface Performance {
  sent: number;
  delivered: number;
  deliveryRate: number;
  clicks: number;
  clickThroughRate: number;
  optOuts: number;
  optOutRate: number;
  conversions: { click: number; send: number };
  revenue: { click: number; send: number };
  cost: number;
}

/**
 * A flow's or campaign's numbers: delivery, unique clickers over delivered, opt-outs within
 * 7 days of a message over delivered, orders and revenue by attribution model, and cost.
 * `since` limits it to messages sent from then on (and the orders and clicks they earned).
 * Counted in the database: only the recipients who opted out are read back, to match each
 * opt-out to the messages before it.
 */
export async function performance({
  db,
  shopId,
  of,
  since,
}: {
  db: Db;
  shopId: string;
  of: { flowId: string } | { campaignId: string };
  since?: Date;
}): Promise<Performance> {
  const outbound = {
    shopId,
    ...of,
    direction: "OUTBOUND" as const,
    status: { in: ["SENT" as const, "DELIVERED" as const, "FAILED" as const] },
    ...(since ? { sentAt: { gte: since } } : {}),
  };
  const [byStatus, clickers, attributions] = await Promise.all([
    db.message.groupBy({
      by: ["status"],
      where: outbound,
      _count: { _all: true },
      _sum: { cost: true },
      _min: { sentAt: true },
    }),
    db.click.groupBy({ by: ["customerId"], where: { shopId, link: { message: outbound } } }),
    db.attribution.groupBy({
      by: ["model"],
      where: { shopId, ...of, ...(since ? { message: { sentAt: { gte: since } } } : {}) },
      _count: { _all: true },
      _sum: { revenue: true },
    }),
  ]);
  const count = (status: string) => byStatus.find((s) => s.status === status)?._count._all ?? 0;
  const sent = count("SENT") + count("DELIVERED");
  const delivered = count("DELIVERED");
  const earliest = byStatus.reduce<Date | null>(
    (min, s) => (s._min.sentAt && (!min || s._min.sentAt < min) ? s._min.sentAt : min),
    null,
  );
  const optOuts = earliest ? await optOutsAfter({ db, shopId, where: outbound, earliest }) : 0;
  const model = (name: string) => attributions.find((a) => a.model === name);
  const rate = (n: number, d: number) => (d ? n / d : 0);
  return {
    sent,
    delivered,
    deliveryRate: rate(delivered, sent),
    clicks: clickers.length,
    clickThroughRate: rate(clickers.length, delivered || sent),
    optOuts,
    optOutRate: rate(optOuts, delivered || sent),
    conversions: { click: model("click")?._count._all ?? 0, send: model("send")?._count._all ?? 0 },
    revenue: { click: Number(model("click")?._sum.revenue ?? 0), send: Number(model("send")?._sum.revenue ?? 0) },
    cost: byStatus.reduce((s, m) => s + Number(m._sum.cost ?? 0), 0),
  };
}

/** Messages (of those `where` selects) followed within 7 days by their recipient opting out. */
async function optOutsAfter({
  db,
  shopId,
  where,
  earliest,
}: {
  db: Db;
  shopId: string;
  where: Prisma.MessageWhereInput;
  earliest: Date;
}): Promise<number> {
  // Opt-outs are few next to messages: read the shop's since the first message, then only
  // those recipients' messages.
  const stops = await db.consentEvent.findMany({
    where: { shopId, customerId: { not: null }, state: "UNSUBSCRIBED", occurredAt: { gte: earliest } },
    select: { customerId: true, occurredAt: true },
  });
  if (stops.length === 0) return 0;
  const messages = await db.message.findMany({
    where: {
      AND: [where, { customerId: { in: [...new Set(stops.map((s) => s.customerId!))] }, sentAt: { not: null } }],
    },
    select: { customerId: true, sentAt: true },
  });
  return messages.filter((m) =>
    stops.some(
      (s) =>
        s.customerId === m.customerId &&
        s.occurredAt >= m.sentAt! &&
        s.occurredAt.getTime() < m.sentAt!.getTime() + 7 * DAY,
    ),
  ).length;
}
