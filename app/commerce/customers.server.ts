import type { Db } from "../db.server";
import { normalisePhone } from "../contacts/phone";
import { inferTimeZone } from "../contacts/time-zone";
import { consentStateFromShopify, recordConsent } from "../consent/ledger.server";
import type { CustomerPayload } from "../webhooks/payloads";
import { guardedUpsert, type GuardedModel } from "./guarded-upsert.server";

export interface Provenance {
  topic: string;
  inboxId?: string;
}

/**
 * Mirrors a customer from a customers/* payload, or from the `customer` object embedded in
 * orders and checkouts. Profile fields follow the newest `updated_at`; SMS consent goes to
 * the ledger (which orders facts by their own time). Returns the customer's id.
 */
export async function syncCustomer(
  db: Db,
  shopId: string,
  payload: CustomerPayload,
  from: Provenance,
): Promise<string> {
  const address = payload.default_address;
  const countryCode = address?.country_code?.toUpperCase() ?? null;
  const phone = normalisePhone(payload.phone ?? address?.phone, countryCode);
  const profile = {
    email: payload.email ?? null,
    phone: phone.ok ? phone.e164 : null,
    phoneRaw: phone.ok ? null : (payload.phone ?? null),
    firstName: payload.first_name ?? null,
    lastName: payload.last_name ?? null,
    locale: payload.locale ?? null,
    tags: payload.tags ?? null,
    countryCode,
    provinceCode: address?.province_code?.toUpperCase() ?? null,
    city: address?.city ?? null,
    timeZone: inferTimeZone(countryCode, address?.province_code),
    shopifyCreatedAt: payload.created_at ?? null,
    deletedAt: null,
  };
  const { id } = await guardedUpsert(
    db.customer as unknown as GuardedModel<unknown>,
    { shopId_shopifyId: { shopId, shopifyId: payload.id } },
    payload.updated_at ?? null,
    { shopId, shopifyId: payload.id, ...profile },
    profile,
  );

  const consent = payload.sms_marketing_consent;
  if (consent) {
    const atCheckout = from.topic.startsWith("orders/") || from.topic.startsWith("checkouts/");
    // At checkout the shopper saw the checkout extension's disclosure: the shop's setting.
    const wording = atCheckout
      ? ((await db.shopSettings.findUnique({ where: { shopId }, select: { disclosureText: true } }))?.disclosureText ??
        null)
      : null;
    await recordConsent(db, {
      shopId,
      customerId: id,
      phone: phone.ok ? phone.e164 : null,
      state: consentStateFromShopify(consent.state),
      optInLevel: consent.opt_in_level ?? null,
      // Consent on an order or checkout was given at checkout; on a customer it was set
      // in Shopify (admin, customer account, another app).
      source: atCheckout ? "CHECKOUT" : "SHOPIFY_SYNC",
      wording,
      occurredAt: consent.consent_updated_at ?? payload.updated_at ?? new Date(0),
      evidence: { topic: from.topic, inboxId: from.inboxId, collectedFrom: consent.consent_collected_from ?? null },
    });
  }
  return id;
}

/** customers/delete: the customer leaves every segment; orders stay for attribution. */
export async function markCustomerDeleted(db: Db, shopId: string, shopifyId: string, at: Date): Promise<string | null> {
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
 * are right whatever order webhooks arrive in. Cost: one indexed aggregate per customer.
 */
export async function refreshOrderStats(db: Db, shopId: string, customerId: string): Promise<void> {
  const stats = await db.order.aggregate({
    where: { shopId, customerId, cancelledAt: null },
    _count: { _all: true },
    _sum: { totalPrice: true },
    _min: { processedAt: true },
    _max: { processedAt: true },
  });
  await db.customer.update({
    where: { id: customerId },
    data: {
      ordersCount: stats._count._all,
      totalSpent: stats._sum.totalPrice ?? 0,
      firstOrderAt: stats._min.processedAt,
      lastOrderAt: stats._max.processedAt,
    },
  });
}

/**
 * A contact we hold consent for but Shopify holds no customer for (a guest's storefront
 * sign-up, an imported list): the customer with this number if there is one, otherwise a
 * local customer keyed "contact:<E.164>", with the time zone of the number's country.
 */
export async function findOrCreateContact(
  db: Db,
  shopId: string,
  phone: { e164: string; country: string | null },
  names: { firstName?: string | null; lastName?: string | null; email?: string | null } = {},
): Promise<{ id: string; created: boolean }> {
  const existing = await db.customer.findFirst({
    where: { shopId, phone: phone.e164, deletedAt: null, redactedAt: null },
    select: { id: true },
  });
  if (existing) return { id: existing.id, created: false };
  const contact = await db.customer.upsert({
    where: { shopId_shopifyId: { shopId, shopifyId: `contact:${phone.e164}` } },
    create: {
      shopId,
      shopifyId: `contact:${phone.e164}`,
      phone: phone.e164,
      countryCode: phone.country,
      timeZone: inferTimeZone(phone.country, null),
      ...names,
    },
    update: {},
    select: { id: true },
  });
  return { id: contact.id, created: true };
}
