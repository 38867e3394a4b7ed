import type { Db } from "../db.server";
import { LOCAL_CONTACT_PREFIX } from "../contacts/local-contacts.server";
import { deriveCustomerConsent } from "../consent/ledger.server";

/**
 * A Shopify customer now has a number that local contacts were keyed by: their history
 * (consent facts, restock watches, messages, checkouts) moves to the Shopify customer and
 * the contacts are closed (deletedAt), so one shopper is one row. Returns the closed ids
 * (their segments must be refreshed by the caller).
 */
export async function mergeContactsInto({
  db,
  shopId,
  customerId,
  phone,
  at,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  phone: string;
  at: Date;
}): Promise<string[]> {
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
