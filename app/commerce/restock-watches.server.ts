import type { Db } from "../db.server";

/**
 * Restock watches: a shopper waiting for a sold-out variant. Opened from a checkout that
 * held sold-out items (and, with the storefront sign-up, from the theme block); closed as
 * "restocked" when inventory comes back, which is what the back-in-stock flow acts on.
 */
export async function watchVariants(db: Db, shopId: string, customerId: string, variantShopifyIds: string[], source: "checkout" | "storefront") {
  for (const variantShopifyId of variantShopifyIds) {
    await db.restockWatch.upsert({
      where: { shopId_variantShopifyId_customerId: { shopId, variantShopifyId, customerId } },
      create: { shopId, customerId, variantShopifyId, source },
      // Watching again after a restock (it sold out again) re-opens the watch.
      update: { restockedAt: null, notifiedAt: null, cancelledAt: null },
    });
  }
}

/** The watched variants came back in stock. Returns the watches that closed (with a customer). */
export async function markWatchesRestocked(db: Db, shopId: string, variantShopifyIds: string[], at: Date) {
  if (!variantShopifyIds.length) return [];
  const open = { shopId, variantShopifyId: { in: variantShopifyIds }, restockedAt: null, notifiedAt: null, cancelledAt: null };
  const watches = await db.restockWatch.findMany({ where: open, select: { id: true, customerId: true, variantShopifyId: true } });
  await db.restockWatch.updateMany({ where: { id: { in: watches.map((w) => w.id) } }, data: { restockedAt: at } });
  return watches.filter((w): w is typeof w & { customerId: string } => !!w.customerId);
}
