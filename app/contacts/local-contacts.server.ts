import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import { bestTimeZone } from "./zone.server";

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
export async function findOrCreateContact({
  db,
  shopId,
  phone,
  names = {},
}: {
  db: Db;
  shopId: string;
  phone: { e164: string; country: string | null };
  names?: { firstName?: string | null; lastName?: string | null; email?: string | null };
}): Promise<{ id: string; created: boolean }> {
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
