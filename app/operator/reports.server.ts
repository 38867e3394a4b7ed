import { maskPhone, maskPhonesIn } from "../contacts/mask-phone";
import type { Db } from "../db.server";

/**
 * Read-only reports for operators (the CLI) and the admin. Everything is looked up by shop
 * domain and every query is scoped to that shop. Phone numbers are masked: these reports end
 * up in terminals, tickets and logs.
 */
export class UnknownShop extends Error {
  constructor(domain: string) {
    super(`no shop ${domain} (has it sent a webhook or installed the app?)`);
  }
}

/** The shop's id for a domain, or UnknownShop. */
export async function shopId(db: Db, domain: string): Promise<string> {
  const shop = await db.shop.findUnique({ where: { domain }, select: { id: true } });
  if (!shop) throw new UnknownShop(domain);
  return shop.id;
}

export async function segmentReport(db: Db, domain: string) {
  const id = await shopId(db, domain);
  const segments = await db.segment.findMany({
    where: { shopId: id, archivedAt: null },
    orderBy: [{ kind: "asc" }, { name: "asc" }],
  });
  return segments.map((s) => ({
    key: s.key,
    name: s.name,
    kind: s.kind,
    members: s.memberCount,
    backfill: s.backfillStartedAt
      ? { done: !!s.backfillCompletedAt, evaluated: s.backfillEvaluated, total: s.backfillTotal }
      : null,
  }));
}

export async function memberReport({
  db,
  domain,
  segmentKey,
  limit = 100,
}: {
  db: Db;
  domain: string;
  segmentKey: string;
  limit?: number;
}) {
  const id = await shopId(db, domain);
  const segment = await db.segment.findUnique({ where: { shopId_key: { shopId: id, key: segmentKey } } });
  if (!segment) throw new UnknownSegment(segmentKey);
  // By customer id, descending, on the membership's primary key (segmentId, customerId), as the
  // admin's member list (admin/segments/members): newest members first would need an index on
  // (segmentId, enteredAt) that every membership change writes, for this report alone.
  const members = await db.segmentMembership.findMany({
    where: { segmentId: segment.id },
    orderBy: { customerId: "desc" },
    take: limit,
    include: { customer: { select: { shopifyId: true, phone: true, smsConsent: true, countryCode: true } } },
  });
  return {
    segment: { key: segment.key, name: segment.name, members: segment.memberCount },
    shown: members.length,
    members: members.map((m) => ({
      customer: m.customer.shopifyId,
      phone: maskPhone(m.customer.phone),
      consent: m.customer.smsConsent,
      country: m.customer.countryCode,
      since: m.enteredAt.toISOString(),
    })),
  };
}

export class UnknownSegment extends Error {
  constructor(key: string) {
    super(`no segment ${key} in this shop (see the segments command)`);
  }
}

/** Which segments a customer is in, since when, and the events or rules that put them there. */
export async function explainCustomer(db: Db, domain: string, customerShopifyId: string) {
  const id = await shopId(db, domain);
  const customer = await db.customer.findUnique({
    where: { shopId_shopifyId: { shopId: id, shopifyId: customerShopifyId } },
  });
  if (!customer) throw new UnknownCustomer(customerShopifyId);
  const [memberships, history] = await Promise.all([
    db.segmentMembership.findMany({
      where: { shopId: id, customerId: customer.id },
      include: { segment: { select: { id: true, key: true, name: true } } },
    }),
    db.segmentMembershipEvent.findMany({
      where: { shopId: id, customerId: customer.id },
      orderBy: { at: "asc" },
      include: { segment: { select: { key: true } } },
    }),
  ]);
  const inboxIds = history.filter((e) => e.cause === "webhook" && e.causeRef).map((e) => e.causeRef!);
  const inbox = new Map(
    (
      await db.webhookInbox.findMany({
        where: { id: { in: inboxIds } },
        select: { id: true, topic: true, webhookId: true, triggeredAt: true },
      })
    ).map((w) => [w.id, w]),
  );
  const because = (e: (typeof history)[number]) => {
    const w = e.cause === "webhook" && e.causeRef ? inbox.get(e.causeRef) : undefined;
    return w ? `${w.topic} (webhook ${w.webhookId})` : e.causeRef ? `${e.cause}: ${e.causeRef}` : e.cause;
  };
  return {
    customer: {
      id: customer.shopifyId,
      phone: maskPhone(customer.phone),
      consent: customer.smsConsent,
      ordersCount: customer.ordersCount,
      lastOrderAt: customer.lastOrderAt?.toISOString() ?? null,
      timeZone: customer.timeZone,
      deleted: !!customer.deletedAt,
      redacted: !!customer.redactedAt,
    },
    segments: memberships
      .map((m) => {
        const entered = history.findLast((e) => e.segmentId === m.segment.id && e.change === "ENTERED");
        return {
          key: m.segment.key,
          name: m.segment.name,
          since: m.enteredAt.toISOString(),
          because: entered ? because(entered) : "unknown",
        };
      })
      .sort((a, b) => a.key.localeCompare(b.key)),
    history: history.map((e) => ({
      at: e.at.toISOString(),
      segment: e.segment.key,
      change: e.change,
      because: because(e),
    })),
  };
}

export class UnknownCustomer extends Error {
  constructor(shopifyId: string) {
    super(`no customer ${shopifyId} in this shop`);
  }
}

/** Recent webhooks and the ones that need attention (failed, rejected, still waiting). */
export async function inboxReport(db: Db, domain: string, limit = 50) {
  const counts = await db.webhookInbox.groupBy({
    by: ["status"],
    where: { shopDomain: domain },
    _count: { _all: true },
  });
  if (!counts.length) await shopId(db, domain); // a shop with no webhooks yet is fine; an unknown one is not
  const recent = await db.webhookInbox.findMany({
    where: { shopDomain: domain },
    orderBy: { receivedAt: "desc" },
    take: limit,
    select: { receivedAt: true, topic: true, webhookId: true, status: true, attempts: true, error: true },
  });
  const problems = await db.webhookInbox.findMany({
    where: { shopDomain: domain, status: { in: ["FAILED", "REJECTED"] } },
    orderBy: { receivedAt: "desc" },
    take: limit,
    select: { receivedAt: true, topic: true, webhookId: true, status: true, attempts: true, error: true },
  });
  const row = (w: (typeof recent)[number]) => ({ ...w, receivedAt: w.receivedAt.toISOString() });
  return {
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
    recent: recent.map(row),
    problems: problems.map(row),
  };
}

/** Recent outgoing and incoming messages with status, gates and errors. Bodies only on request (they hold names). */
export async function outboxReport(db: Db, domain: string, o: { limit?: number; bodies?: boolean } = {}) {
  const id = await shopId(db, domain);
  const [counts, messages] = await Promise.all([
    db.message.groupBy({ by: ["status"], where: { shopId: id }, _count: { _all: true } }),
    db.message.findMany({
      where: { shopId: id },
      orderBy: { createdAt: "desc" },
      take: o.limit ?? 50,
      include: {
        flow: { select: { key: true } },
        campaign: { select: { name: true } },
        customer: { select: { shopifyId: true } },
      },
    }),
  ]);
  return {
    counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
    messages: messages.map((m) => ({
      createdAt: m.createdAt.toISOString(),
      direction: m.direction,
      status: m.status,
      purpose: m.purpose,
      to: maskPhone(m.phone),
      customer: m.customer?.shopifyId ?? null,
      source: m.flow ? `flow:${m.flow.key}` : m.campaign ? `campaign:${m.campaign.name}` : m.purpose,
      dueAt: m.dueAt?.toISOString() ?? null,
      segments: m.segments,
      lastGate:
        ((m.gateDecisions as { gate: string; decision: string; detail: string }[] | null) ?? [])
          .filter((d) => d.decision !== "pass")
          .at(-1)?.detail ?? null,
      error: maskPhonesIn(m.error),
      ...(o.bodies ? { body: m.body } : {}),
    })),
  };
}

/** Each flow: on or off, its runs by state, what they sent, and why runs ended early. */
export async function flowReport(db: Db, domain: string) {
  const id = await shopId(db, domain);
  const flows = await db.flow.findMany({ where: { shopId: id }, orderBy: { key: "asc" } });
  const [byStatus, byExit, sent] = await Promise.all([
    db.flowRun.groupBy({ by: ["flowId", "status"], where: { shopId: id }, _count: { _all: true } }),
    db.flowRun.groupBy({
      by: ["flowId", "exitReason"],
      where: { shopId: id, status: "EXITED" },
      _count: { _all: true },
    }),
    db.message.groupBy({
      by: ["flowId"],
      where: { shopId: id, flowId: { not: null }, status: { in: ["SENT", "DELIVERED"] } },
      _count: { _all: true },
    }),
  ]);
  return flows.map((f) => {
    const runs = Object.fromEntries(byStatus.filter((r) => r.flowId === f.id).map((r) => [r.status, r._count._all]));
    return {
      key: f.key,
      name: f.name,
      enabled: f.enabled,
      running: (runs.ACTIVE ?? 0) + (runs.WAITING ?? 0),
      waiting: runs.WAITING ?? 0,
      completed: runs.COMPLETED ?? 0,
      exited: runs.EXITED ?? 0,
      failed: runs.FAILED ?? 0,
      sent: sent.find((s) => s.flowId === f.id)?._count._all ?? 0,
      exitReasons: Object.fromEntries(
        byExit.filter((e) => e.flowId === f.id).map((e) => [e.exitReason ?? "unknown", e._count._all]),
      ),
    };
  });
}
