import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import { bestTimeZone } from "../contacts/zone.server";
import { deriveCustomerConsent } from "../consent/ledger.server";

/**
 * A contact is a shopper we hold a number (and maybe consent) for but Shopify holds no
 * customer for: a guest checkout that ticked the SMS box, a storefront sign-up, an imported
 * list. It is a Customer row whose `shopifyId` is an opaque "local:<uuid>" (never the number:
 * ids end up in URLs, logs and exports, and must not outlive a redaction of the phone column).
 */
export const LOCAL_CONTACT_PREFIX = "local:";

export const isLocalContact = (shopifyId: string) => shopifyId.startsWith(LOCAL_CONTACT_PREFIX);

/**
 * The live customer with this number if there is one (a Shopify customer first), otherwise
 * a new local contact with the time zone of the number's country.
 */
export async function findOrCreateContact(
  db: Db,
  shopId: string,
  phone: { e164: string; country: string | null },
  names: { firstName?: string | null; lastName?: string | null; email?: string | null } = {},
): Promise<{ id: string; created: boolean }> {
  const existing = await db.customer.findMany({
    where: { shopId, phone: phone.e164, deletedAt: null, redactedAt: null },
    select: { id: true, shopifyId: true },
    orderBy: { createdAt: "asc" },
    take: 5,
  });
  const best = existing.find((c) => !isLocalContact(c.shopifyId)) ?? existing[0];
  if (best) return { id: best.id, created: false };
  const contact = await db.customer.create({
    data: {
      shopId,
      shopifyId: `${LOCAL_CONTACT_PREFIX}${randomUUID()}`,
      phone: phone.e164,
      countryCode: phone.country,
      timeZone: await bestTimeZone({ phone: phone.e164 }),
      ...names,
    },
    select: { id: true },
  });
  return { id: contact.id, created: true };
}

/**
 * A Shopify customer now has a number that local contacts were keyed by: their history
 * (consent facts, restock watches, messages, checkouts) moves to the Shopify customer and
 * the contacts are closed (deletedAt), so one shopper is one row. Returns the closed ids
 * (their segments must be refreshed by the caller).
 */
export async function mergeContactsInto(
  db: Db,
  shopId: string,
  customerId: string,
  phone: string,
  at: Date,
): Promise<string[]> {
  const contacts = await db.customer.findMany({
    where: {
      shopId,
      phone,
      id: { not: customerId },
      shopifyId: { startsWith: LOCAL_CONTACT_PREFIX },
      deletedAt: null,
      redactedAt: null,
    },
    select: { id: true },
  });
  if (!contacts.length) return [];
  const ids = contacts.map((c) => c.id);
  await db.consentEvent.updateMany({ where: { shopId, customerId: { in: ids } }, data: { customerId } });
  await db.message.updateMany({ where: { shopId, customerId: { in: ids } }, data: { customerId } });
  await db.checkout.updateMany({ where: { shopId, customerId: { in: ids } }, data: { customerId } });
  // A watch the customer already has for the same variant stays; the contact's copy goes.
  const watches = await db.restockWatch.findMany({
    where: { shopId, customerId: { in: ids } },
    select: { id: true, variantShopifyId: true },
  });
  for (const w of watches) {
    const taken = await db.restockWatch.findFirst({
      where: { shopId, customerId, variantShopifyId: w.variantShopifyId },
      select: { id: true },
    });
    if (taken) await db.restockWatch.delete({ where: { id: w.id } });
    else await db.restockWatch.update({ where: { id: w.id }, data: { customerId } });
  }
  await db.customer.updateMany({ where: { id: { in: ids } }, data: { deletedAt: at } });
  await deriveCustomerConsent(db, shopId, customerId);
  return ids;
}
