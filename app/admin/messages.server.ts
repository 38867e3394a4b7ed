import { z } from "zod";
import type { Db } from "../db.server";
import type { ShopWithSettings } from "../commerce/shops.server";
import { resolveDatabaseTarget } from "../config/database-url";
import { normalisePhone } from "../contacts/phone";
import { maskPhone, maskPhonesIn } from "../contacts/mask-phone";
import { MessageDirection, MessageStatus, type Prisma } from "../generated/sqlite/client";
import { gateDecisionText } from "./gate-text";
import { pageArgs, pageOf } from "./paginate.server";
import { zonedLocalToUtc } from "./zoned-time";

const DAY_STRING = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use YYYY-MM-DD");
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** The log's filters, from the query string. Unknown values are dropped rather than failing the page. */
export const MessageFilters = z.object({
  status: optional(z.nativeEnum(MessageStatus)).catch(undefined),
  direction: optional(z.nativeEnum(MessageDirection)).catch(undefined),
  source: optional(z.string().regex(/^(flow|campaign):[\w-]+$/)).catch(undefined),
  from: optional(DAY_STRING).catch(undefined),
  to: optional(DAY_STRING).catch(undefined),
  q: optional(z.string().trim().max(100)).catch(undefined),
});
export type MessageFilters = z.infer<typeof MessageFilters>;

export function parseMessageFilters(url: URL): MessageFilters {
  return MessageFilters.parse(Object.fromEntries(url.searchParams));
}

/** Case-insensitive "contains": SQLite's LIKE already is for ASCII; PostgreSQL needs the mode. */
const contains = (text: string) => ({
  contains: text,
  ...(resolveDatabaseTarget().provider === "postgresql" ? { mode: "insensitive" as const } : {}),
});

/**
 * A search box that takes a phone number (in any format the shop's country reads: matched
 * exactly on its E.164 form, which the phone index serves) or a customer's name (each word
 * must match a first or last name).
 */
export function searchWhere(q: string, countryCode: string | null): Prisma.MessageWhereInput {
  const phone = /\d{5,}/.test(q.replace(/\D/g, "")) ? normalisePhone(q, countryCode) : null;
  if (phone?.ok) return { phone: phone.e164 };
  if (phone) return { id: "" }; // looked like a number but isn't a valid one: nothing matches
  const words = q.split(/\s+/).filter(Boolean);
  return { customer: { AND: words.map((w) => ({ OR: [{ firstName: contains(w) }, { lastName: contains(w) }] })) } };
}

function filterWhere(shop: ShopWithSettings, f: MessageFilters): Prisma.MessageWhereInput {
  const [kind, id] = f.source?.split(":") ?? [];
  const from = f.from ? zonedLocalToUtc(f.from, shop.ianaTimezone) : null;
  const to = f.to ? zonedLocalToUtc(f.to, shop.ianaTimezone) : null;
  return {
    shopId: shop.id,
    ...(f.status ? { status: f.status } : {}),
    ...(f.direction ? { direction: f.direction } : {}),
    ...(kind === "flow" ? { flowId: id } : kind === "campaign" ? { campaignId: id } : {}),
    ...(from || to
      ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lt: new Date(to.getTime() + 86_400_000) } : {}) } }
      : {}),
    ...(f.q ? searchWhere(f.q, shop.countryCode) : {}),
  };
}

/** One page of the message log, newest first (keyset on createdAt, id). */
export async function messageLog(db: Db, shop: ShopWithSettings, url: URL) {
  const filters = parseMessageFilters(url);
  const found = await db.message.findMany({
    where: filterWhere(shop, filters),
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: {
      customer: { select: { id: true, firstName: true, lastName: true } },
      flow: { select: { name: true } },
      campaign: { select: { name: true } },
      deliveryEvents: { orderBy: { at: "desc" }, take: 1, select: { status: true, errorCode: true } },
    },
    ...pageArgs(url),
  });
  const { rows, nextCursor } = pageOf(found);
  return { filters, nextCursor, messages: rows.map(messageRow) };
}

type LoggedMessage = Prisma.MessageGetPayload<{
  include: {
    customer: { select: { id: true; firstName: true; lastName: true } };
    flow: { select: { name: true } };
    campaign: { select: { name: true } };
    deliveryEvents: { select: { status: true; errorCode: true } };
  };
}>;

/** One line of the message log, as the page shows it (masked phone, source and gates in words). */
export type MessageRow = ReturnType<typeof messageRow>;

function messageRow(m: LoggedMessage) {
  const event = m.deliveryEvents[0];
  return {
    id: m.id,
    at: m.createdAt.toISOString(),
    direction: m.direction,
    status: m.status,
    phone: maskPhone(m.phone),
    customer: m.customer ? { id: m.customer.id, name: customerName(m.customer) } : null,
    source: m.flow
      ? `Flow: ${m.flow.name}`
      : m.campaign
        ? `Campaign: ${m.campaign.name}`
        : m.direction === "INBOUND"
          ? "Reply"
          : m.purpose,
    body: m.body,
    gate: gateDecisionText(m),
    provider: [m.provider, m.providerMessageId].filter(Boolean).join(" ") || null,
    providerStatus: event
      ? [event.status, event.errorCode && `code ${event.errorCode}`].filter(Boolean).join(", ")
      : null,
    // Masked here too: rows stored before provider errors were masked can quote the number.
    error: maskPhonesIn(m.error),
  };
}

export const customerName = (c: { firstName: string | null; lastName: string | null }) =>
  [c.firstName, c.lastName].filter(Boolean).join(" ") || "Unnamed shopper";

/** What the source filter offers: this shop's flows and campaigns. */
export async function sourceOptions(db: Db, shopId: string) {
  const [flows, campaigns] = await Promise.all([
    db.flow.findMany({ where: { shopId }, orderBy: { name: "asc" }, select: { id: true, name: true } }),
    db.campaign.findMany({
      where: { shopId },
      orderBy: { createdAt: "desc" },
      take: 100,
      select: { id: true, name: true },
    }),
  ]);
  return [
    ...flows.map((f) => ({ value: `flow:${f.id}`, label: `Flow: ${f.name}` })),
    ...campaigns.map((c) => ({ value: `campaign:${c.id}`, label: `Campaign: ${c.name}` })),
  ];
}
