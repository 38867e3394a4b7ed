import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { normalisePhone, type PhoneResult } from "../contacts/phone";
import { bestTimeZone, coordinatesZone } from "../contacts/zone.server";
import {
  consentStateFromShopify,
  deriveCustomerConsent,
  recordConsent,
  type ConsentFact,
} from "../consent/ledger.server";
import type { CustomerPayload } from "../shopify-payloads";
import { refreshCustomerSegments, type MembershipCause } from "../segments/membership.server";
import { mergeContactsInto } from "./contacts.server";
import { guardedUpsert, type GuardedModel } from "./guarded-upsert.server";
import { notFoundAsNull } from "../db/unique-violation";
import { inList } from "../db/insert-rows.server";
import { typedValue, updateRows } from "../db/update-rows.server";
import type { ConsentChange } from "../consent/after-change.server";

export interface Provenance {
  topic: string;
  inboxId?: string;
  /** When the app received the webhook: the consent time when Shopify gives none. */
  receivedAt: Date;
  /**
   * The embedded customer is only a reference ({ id }), as in a bulk sync's orders: look the
   * customer up (or keep a bare row for the customers sync to fill) instead of mirroring it.
   */
  customerIsReference?: boolean;
  /** Written by this day-one sync: segment changes carry the sync's cause (no flow starts). */
  syncRunId?: string;
  /**
   * Consent changes the writers recorded, for the caller to hand to afterConsentChange (the
   * writers have only the database; the webhook worker and the sync have the rest).
   */
  consentChanges?: ConsentChange[];
  /** The day-one sync: old facts (no confirmation texts, no write-back). */
  history?: boolean;
}

/** Notes a recorded consent fact for afterConsentChange (see Provenance.consentChanges). */
export function noteConsentChange(
  from: Pick<Provenance, "consentChanges" | "history" | "syncRunId" | "inboxId" | "topic">,
  c: {
    shopId: string;
    phone: string | null;
    customerId: string;
    subscribed: boolean;
    at: Date;
    /** false: a mirror of a state Shopify announced elsewhere (no confirmation text). */
    announce?: boolean;
  },
): void {
  from.consentChanges?.push({
    shopId: c.shopId,
    phone: c.phone,
    customerIds: [c.customerId],
    change: c.subscribed ? "opt_in" : "opt_out",
    writeBack: false, // it came from Shopify
    origin: from.history || from.syncRunId || c.announce === false ? "history" : "live",
    at: c.at,
    ref: from.inboxId ?? from.topic,
  });
}

/** The customer embedded in an order or checkout: mirrored, or (a reference) looked up. */
export async function embeddedCustomer({
  db,
  shopId,
  customer,
  from,
}: {
  db: Db;
  shopId: string;
  customer: CustomerPayload;
  from: Provenance;
}): Promise<string> {
  if (!from.customerIsReference) return syncCustomer({ db, shopId, payload: customer, from });
  const where = { shopId_shopifyId: { shopId, shopifyId: customer.id } };
  const existing = await db.customer.findUnique({ where, select: { id: true } });
  if (existing) return existing.id;
  // No stamp: the customer's own data, whenever it comes, is newer than this.
  return (
    await db.customer.upsert({ where, create: { shopId, shopifyId: customer.id }, update: {}, select: { id: true } })
  ).id;
}

/** A customer payload's number (its own, else its address's), normalised against the address's country. */
export const customerNumber = (payload: CustomerPayload): PhoneResult =>
  normalisePhone(
    payload.phone ?? payload.default_address?.phone,
    payload.default_address?.country_code?.toUpperCase() ?? null,
  );

/**
 * A customer payload's profile columns and its number (normalised against the address's
 * country): one mapping for the webhook writer below and the sync's batch writer.
 */
export async function customerProfile(payload: CustomerPayload) {
  const address = payload.default_address;
  const countryCode = address?.country_code?.toUpperCase() ?? null;
  const phone = customerNumber(payload);
  const e164 = phone.ok ? phone.e164 : null;
  const profile = {
    email: payload.email ?? null,
    phone: e164,
    phoneRaw: phone.ok ? null : (payload.phone ?? null),
    firstName: payload.first_name ?? null,
    lastName: payload.last_name ?? null,
    locale: payload.locale ?? null,
    tags: payload.tags ?? null,
    countryCode,
    provinceCode: address?.province_code?.toUpperCase() ?? null,
    city: address?.city ?? null,
    shopifyCreatedAt: payload.created_at ?? null,
    deletedAt: null,
  };
  // The zone from the address and number; a zone from an order's coordinates is surer and is
  // kept when the row has them (see zoneUnlessPlaced).
  const timeZone = await bestTimeZone({ phone: e164, countryCode, provinceCode: address?.province_code });
  return { profile, timeZone, phone: e164 };
}

/** The consent fact a customer payload carries (before API 2025-01, and in the bulk sync's nodes). */
export function customerConsentFact({
  shopId,
  customerId,
  payload,
  phone,
  from,
}: {
  shopId: string;
  customerId: string;
  payload: CustomerPayload;
  phone: string | null;
  from: Provenance;
}): ConsentFact | null {
  const consent = payload.sms_marketing_consent;
  if (!consent?.state) return null;
  return {
    shopId,
    customerId,
    phone,
    state: consentStateFromShopify(consent.state),
    optInLevel: consent.opt_in_level ?? null,
    source: "SHOPIFY_SYNC",
    occurredAt: consent.consent_updated_at ?? payload.updated_at ?? from.receivedAt,
    evidence: {
      topic: from.topic,
      inboxId: from.inboxId,
      field: "customer.sms_marketing_consent",
      collectedFrom: consent.consent_collected_from ?? null,
    },
  };
}

/** What a store-data writer takes: the shop, Shopify's payload, and where it came from. */
export type WriterInput<Payload> = { db: Db; shopId: string; payload: Payload; from: Provenance };
/** A delete webhook (customers/delete, products/delete): the Shopify id and when the deletion happened. */
export type Deletion = { db: Db; shopId: string; shopifyId: string; at: Date };

/** Segment changes a writer causes: the webhook's, or the sync's (which starts no flow). */
export const segmentCause = (from: Provenance): MembershipCause =>
  from.syncRunId ? { cause: "sync", ref: from.syncRunId } : { cause: "webhook", ref: from.inboxId };

/**
 * Mirrors a customer from a customers/* payload, or from the `customer` object embedded in
 * orders and checkouts. Profile fields follow the newest `updated_at`; SMS consent goes to
 * the ledger (which orders facts by their own time). Returns the customer's id.
 */
export async function syncCustomer({ db, shopId, payload, from }: WriterInput<CustomerPayload>): Promise<string> {
  const { profile, timeZone, phone } = await customerProfile(payload);
  const { id, applied } = await guardedUpsert({
    model: db.customer as unknown as GuardedModel<unknown>,
    where: { shopId_shopifyId: { shopId, shopifyId: payload.id } },
    updatedAt: payload.updated_at ?? null,
    create: { shopId, shopifyId: payload.id, ...profile, timeZone },
    update: profile,
  });
  // `update` with the guard, not updateMany (which Prisma wraps in a transaction of its own).
  if (applied)
    await db.customer
      .update({ where: zoneUnlessPlaced(id), data: { timeZone }, select: { id: true } })
      .catch(notFoundAsNull);

  if (phone) {
    // A guest contact with this number (checkout consent, storefront sign-up) becomes this customer.
    await mergeContactsAndRefresh({ db, shopId, customerId: id, phone, from });
  }

  const fact = customerConsentFact({ shopId, customerId: id, payload, phone, from });
  if (!fact)
    await deriveCustomerConsent(db, shopId, id); // the number may have changed
  else {
    await recordConsent(db, fact);
    noteConsentChange(from, {
      shopId,
      phone,
      customerId: id,
      subscribed: fact.state === "SUBSCRIBED",
      at: fact.occurredAt,
      // The customer object's own consent field (customers/*, or embedded in orders and
      // checkouts) mirrors Shopify's state: a new consent reaches the app as checkout fields or
      // on customers_marketing_consent/update, which confirm it by text (once).
      announce: false,
    });
  }
  return id;
}

/**
 * The address-and-number zone is written only to a row without coordinates: a zone from an
 * order's or checkout's coordinates (rememberCoordinates) is the surer one and stays.
 */
export const zoneUnlessPlaced = (id: string) => ({ id, OR: [{ latitude: null }, { longitude: null }] });

/**
 * Local contacts keyed by this customer's number merge into it (commerce/contacts), and the
 * closed contacts leave their segments, with the writer's cause.
 */
export async function mergeContactsAndRefresh({
  db,
  shopId,
  customerId,
  phone,
  from,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  phone: string;
  from: Provenance;
}): Promise<void> {
  const at = from.receivedAt;
  for (const contactId of await mergeContactsInto({ db, shopId, customerId, phone, at }))
    await refreshCustomerSegments({ db, shopId, customerId: contactId, now: at, cause: segmentCause(from) });
}

/** customers/delete: the customer leaves every segment; orders stay for attribution. */
export async function markCustomerDeleted({ db, shopId, shopifyId, at }: Deletion): Promise<string | null> {
  const existing = await db.customer.findUnique({
    where: { shopId_shopifyId: { shopId, shopifyId } },
    select: { id: true },
  });
  if (!existing) {
    const created = await db.customer.create({ data: { shopId, shopifyId, deletedAt: at }, select: { id: true } });
    return created.id;
  }
  await db.customer.update({ where: { id: existing.id }, data: { deletedAt: at } });
  return existing.id;
}

/**
 * Order aggregates are derived from the mirrored orders, not from payload counters, so they
 * are right whatever order webhooks arrive in. One UPDATE from one grouped read of the
 * customers' orders (an aggregate read and a write through Prisma's client were two
 * statements, each compiled) for one customer (a webhook), two for many (a batch: see
 * orderStatsUpdates).
 */
export async function refreshOrderStats(db: Db, shopId: string, customerIds: readonly string[]): Promise<void> {
  if (customerIds.length) for (const update of orderStatsUpdates(shopId, customerIds)) await db.$executeRaw(update);
}

/**
 * Every customer of the shop, once: the sync's pass after its orders (sync/run), whose batch
 * writer leaves the figures to it (writeOrderBatch's `deferOrderStats`). Returns the rows written.
 */
export const refreshShopOrderStats = (db: Db, shopId: string): Promise<number> =>
  db.$executeRaw(orderStatsUpdates(shopId)[0]!);

/**
 * refreshOrderStats' statements, for a batch writer running its own transaction
 * (sync/write-orders), or, without `customerIds`, for every customer of the shop (the sync, once
 * after its orders: sync/run). The LEFT JOIN keeps customers left with no order (zeros); one
 * walk of the (shopId, customerId, processedAt) index per customer, where four sub-selects took
 * four. A row whose figures are already right is not written: on PostgreSQL every UPDATE is a
 * new tuple with all of Customer's index entries, and a shop-wide pass would otherwise rewrite
 * every customer without orders (and, on a second sync, nearly every customer).
 *
 * For several customers, two statements, so that a repeat buyer's row is written without
 * `firstOrderAt`: SQLite rewrites the entry of every index over a column the SET names, changed
 * or not, and at a million customers each is a leaf of the (shopId, firstOrderAt) index no other
 * write of the batch touches (docs/BENCHMARKS.md, 2026-12-03 18:00). The first sets all four
 * figures where the first order moved (a first order, a cancellation), the second the other
 * three where only they did; a row matches one at most, so it is still one row version on
 * PostgreSQL (which compares values and gains nothing but pays nothing either beyond the
 * statement). For one customer a second statement costs more than the leaf; for the whole shop
 * (a sync, nearly every first order new) a second aggregate over the shop would too.
 */
export function orderStatsUpdates(shopId: string, customerIds?: readonly string[]): Prisma.Sql[] {
  const some = customerIds ? Prisma.sql`AND c."id" IN ${inList(customerIds)}` : Prisma.empty;
  const update = (set: Prisma.Sql, where: Prisma.Sql) => Prisma.sql`
    UPDATE "Customer" SET ${set}
    FROM (
      SELECT c."id", COUNT(o."id") AS "n", COALESCE(SUM(o."totalPrice"), 0) AS "total",
        MIN(o."processedAt") AS "first", MAX(o."processedAt") AS "last"
      FROM "Customer" c
      LEFT JOIN "Order" o ON o."shopId" = c."shopId" AND o."customerId" = c."id" AND o."cancelledAt" IS NULL
      WHERE c."shopId" = ${shopId} ${some}
      GROUP BY c."id"
    ) s
    WHERE "Customer"."id" = s."id" AND (${where})`;
  const rest = Prisma.sql`"ordersCount" = s."n", "totalSpent" = s."total", "lastOrderAt" = s."last"`;
  const restMoved = Prisma.sql`"Customer"."ordersCount" IS DISTINCT FROM s."n" OR "Customer"."totalSpent" IS DISTINCT FROM s."total"
      OR "Customer"."lastOrderAt" IS DISTINCT FROM s."last"`;
  const firstMoved = Prisma.sql`"Customer"."firstOrderAt" IS DISTINCT FROM s."first"`;
  const all = Prisma.sql`${rest}, "firstOrderAt" = s."first"`;
  if (!customerIds || customerIds.length === 1) return [update(all, Prisma.sql`${restMoved} OR ${firstMoved}`)];
  return [update(all, firstMoved), update(rest, Prisma.sql`NOT (${firstMoved}) AND (${restMoved})`)];
}

/** An order's or checkout's address, whose coordinates Shopify may give. */
type Placed = { latitude?: number | null; longitude?: number | null } | null | undefined;

/**
 * An order's or checkout's address with Shopify's coordinates: kept on the customer (the
 * send gate's surest zone source) with the zone they lie in.
 */
export const rememberCoordinates = (db: Db, customerId: string, address: Placed): Promise<void> =>
  rememberAllCoordinates(db, [{ customerId, address }]);

/**
 * rememberCoordinates for a batch's rows in one UPDATE (a webhook batch's orders): in the
 * rows' order, so a customer keeps the last coordinates, as one at a time leaves them.
 */
export async function rememberAllCoordinates(
  db: Db,
  rows: readonly { customerId: string; address: Placed }[],
): Promise<void> {
  const last = new Map<string, { latitude: number; longitude: number; timeZone: string }>();
  for (const { customerId, address } of rows) {
    const timeZone = coordinatesZone(address?.latitude, address?.longitude);
    if (timeZone) last.set(customerId, { latitude: address!.latitude!, longitude: address!.longitude!, timeZone });
  }
  await updateRows(db, {
    table: "Customer",
    columns: { latitude: "float", longitude: "float", timeZone: "text" },
    rows: [...last].map(([key, placed]) => ({ key, ...placed })),
    set: Prisma.sql`"latitude" = v."latitude", "longitude" = v."longitude", "timeZone" = v."timeZone",
      "updatedAt" = ${typedValue(new Date(), "timestamp")}`,
  });
}
