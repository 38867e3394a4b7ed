import type { Db } from "../db.server";
import { formatMoney } from "./format";
import { maskPhone } from "../contacts/mask-phone";
import { notFound } from "./auth.server";
import { gateDecisionText } from "./gate-text";
import { customerName } from "./messages.server";

/** Each kind of fact is read newest first up to this many, so one busy shopper can't make the page heavy. */
const PER_KIND = 200;

export type TimelineKind = "message_out" | "message_in" | "delivery" | "click" | "consent" | "segment" | "order";
export interface TimelineEntry {
  at: string;
  kind: TimelineKind;
  title: string;
  detail: string | null;
}

/**
 * One shopper's history in one list, newest first: texts out and in (with why each was
 * held or blocked), delivery receipts, clicks, consent ledger facts, segment entries and
 * exits, and orders. The header carries the current consent and the masked number.
 */
export async function shopperTimeline(db: Db, shopId: string, customerId: string) {
  const customer = await db.customer.findFirst({ where: { id: customerId, shopId } });
  if (!customer) notFound("Shopper");
  const mine = { shopId, customerId };
  const [messages, deliveries, clicks, consent, segments, orders] = await Promise.all([
    db.message.findMany({
      where: mine,
      orderBy: { createdAt: "desc" },
      take: PER_KIND,
      include: { flow: { select: { name: true } }, campaign: { select: { name: true } } },
    }),
    db.deliveryEvent.findMany({ where: { message: mine }, orderBy: { at: "desc" }, take: PER_KIND }),
    db.click.findMany({
      where: mine,
      orderBy: { at: "desc" },
      take: PER_KIND,
      include: { link: { select: { url: true } } },
    }),
    db.consentEvent.findMany({ where: mine, orderBy: { occurredAt: "desc" }, take: PER_KIND }),
    db.segmentMembershipEvent.findMany({
      where: mine,
      orderBy: { at: "desc" },
      take: PER_KIND,
      include: { segment: { select: { name: true } } },
    }),
    db.order.findMany({ where: mine, orderBy: { processedAt: "desc" }, take: PER_KIND }),
  ]);
  const entries: TimelineEntry[] = [
    ...messages.map((m): TimelineEntry => {
      const inbound = m.direction === "INBOUND";
      const source = m.flow ? `flow ${m.flow.name}` : m.campaign ? `campaign ${m.campaign.name}` : m.purpose;
      return {
        at: (m.sentAt ?? m.createdAt).toISOString(),
        kind: inbound ? "message_in" : "message_out",
        title: inbound ? `Replied: "${m.body}"` : `Text (${source}): ${m.status.toLowerCase()}`,
        detail: inbound ? null : `${gateDecisionText(m)}. "${m.body}"`,
      };
    }),
    ...deliveries.map((d): TimelineEntry => ({
      at: d.at.toISOString(),
      kind: "delivery",
      title: `Delivery receipt: ${d.status}`,
      detail: d.errorCode ? `error code ${d.errorCode}` : null,
    })),
    ...clicks.map((c): TimelineEntry => ({
      at: c.at.toISOString(),
      kind: "click",
      title: "Clicked a link",
      detail: c.link.url,
    })),
    ...consent.map((e): TimelineEntry => ({
      at: e.occurredAt.toISOString(),
      kind: "consent",
      title: `Consent: ${e.state.toLowerCase().replace("_", " ")} (${e.source.toLowerCase().replace(/_/g, " ")})`,
      detail: e.wording,
    })),
    ...segments.map((e): TimelineEntry => ({
      at: e.at.toISOString(),
      kind: "segment",
      title: `${e.change === "ENTERED" ? "Entered" : "Left"} segment ${e.segment.name}`,
      detail: `because of ${e.cause}`,
    })),
    ...orders.map((o): TimelineEntry => ({
      at: o.processedAt.toISOString(),
      kind: "order",
      title: `Order ${o.name ?? o.shopifyId}${o.cancelledAt ? " (cancelled)" : ""}`,
      detail: formatMoney(Number(o.totalPrice), o.currency),
    })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  return {
    shopper: {
      id: customer.id,
      name: customerName(customer),
      phone: maskPhone(customer.phone),
      consent: customer.smsConsent,
      consentAt: customer.smsConsentAt?.toISOString() ?? null,
      timeZone: customer.timeZone,
      ordersCount: customer.ordersCount,
    },
    entries,
  };
}
