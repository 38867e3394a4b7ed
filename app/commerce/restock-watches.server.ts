import type { Db } from "../db.server";

/**
 * Restock watches: a shopper waiting for a sold-out variant. Opened from a checkout that
 * held sold-out items (and, with the storefront sign-up, from the theme block); closed as
 * "restocked" when inventory comes back, which is what the back-in-stock flow acts on.
 */
export async function watchVariants({
  db,
  shopId,
  customerId,
  variantShopifyIds,
  source,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  variantShopifyIds: string[];
  source: "checkout" | "storefront";
}) {
  for (const variantShopifyId of variantShopifyIds) {
    await db.restockWatch.upsert({
      where: { shopId_variantShopifyId_customerId: { shopId, variantShopifyId, customerId } },
      create: { shopId, customerId, variantShopifyId, source },
      // Watching again after a restock (it sold out again) re-opens the watch.
      update: { restockedAt: null, notifiedAt: null, cancelledAt: null },
    });
  }
}

/** How long after a restock a watcher who has not been told yet still is (a retry, a late flow). */
export const RESTOCK_NOTICE_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Closes the open watches on these variants of an inventory item once they are in stock,
 * then returns every watcher of the item's variants restocked within the notice window and
 * not yet told. Read from state, not from the 0 → n transition, so a retry after a crash
 * between "marked restocked" and "flow started" still finds them (the flow run's key,
 * `restock:<watch>:<restockedAt>`, keeps that to one text).
 */
export interface RestockedWatch {
  id: string;
  customerId: string;
  variantShopifyId: string;
  restockedAt: Date;
}

export async function restockedWatches({
  db,
  shopId,
  inventoryItemId,
  at,
}: {
  db: Db;
  shopId: string;
  inventoryItemId: string;
  at: Date;
}): Promise<RestockedWatch[]> {
  const inStock = (
    await db.variant.findMany({
      where: { shopId, inventoryItemId, inventoryQuantity: { gt: 0 } },
      select: { shopifyId: true },
    })
  ).map((v) => v.shopifyId);
  if (!inStock.length) return [];
  await db.restockWatch.updateMany({
    where: { shopId, variantShopifyId: { in: inStock }, restockedAt: null, notifiedAt: null, cancelledAt: null },
    data: { restockedAt: at },
  });
  const watches = await db.restockWatch.findMany({
    where: {
      shopId,
      variantShopifyId: { in: inStock },
      restockedAt: { gte: new Date(at.getTime() - RESTOCK_NOTICE_WINDOW_MS) },
      notifiedAt: null,
      cancelledAt: null,
      customerId: { not: null },
    },
    select: { id: true, customerId: true, variantShopifyId: true, restockedAt: true },
  });
  return watches.map((w) => ({ ...w, customerId: w.customerId!, restockedAt: w.restockedAt! }));
}
