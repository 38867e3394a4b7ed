import type { Db } from "../db.server";
import { inList } from "../db/insert-rows.server";
import { restockAfter, stockAt, stockTimelines, type StockTimeline } from "./stock-history.server";

/**
 * Restock watches: a shopper waiting for a sold-out variant. Opened by the theme block's sign-up
 * and by an open checkout that held the variant while it was sold out; closed as "restocked" by
 * the first restock after that, which is what the back-in-stock flow acts on.
 *
 * Both are read from the stock history (commerce/stock-history) at the moments they happened, not
 * from the level at processing time: Shopify does not deliver webhooks in order, and a checkout
 * processed before the sell-out that preceded it, or after the restock that followed it, must
 * end in the same watches as in order. A shopper's checkout watches are therefore derived, not
 * accumulated: from their open checkouts (each in its newest state) and the history, every time
 * either changes (`reconcileShopperWatches`).
 */

/** How long after a restock a watcher who has not been told yet still is (a retry, a late flow). */
export const RESTOCK_NOTICE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface RestockedWatch {
  id: string;
  customerId: string;
  variantShopifyId: string;
  restockedAt: Date;
}

/** The theme block's sign-up for a variant sold out now (the caller checked): watching from `at`. */
export async function watchFromStorefront({
  db,
  shopId,
  customerId,
  variantShopifyId,
  at,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  variantShopifyId: string;
  at: Date;
}): Promise<void> {
  await db.restockWatch.upsert({
    where: { shopId_variantShopifyId_customerId: { shopId, variantShopifyId, customerId } },
    create: { shopId, customerId, variantShopifyId, source: "storefront", openedAt: at },
    // Asking again after a restock (it sold out again) re-opens the watch.
    update: { source: "storefront", openedAt: at, restockedAt: null, notifiedAt: null, cancelledAt: null },
  });
}

type WatchRow = {
  id: string;
  variantShopifyId: string;
  source: string;
  createdAt: Date;
  openedAt: Date | null;
  restockedAt: Date | null;
  notifiedAt: Date | null;
  cancelledAt: Date | null;
};

/**
 * Re-derives a shopper's watches from their open checkouts and the stock history: a variant is
 * watched from the newest moment one of those checkouts held it while it was sold out (a
 * storefront sign-up counts as such a moment), and restocked at the first restock after it.
 * A checkout watch no checkout justifies any more (the item removed, the checkout completed)
 * goes, unless the shopper was already told. Returns whether anything changed.
 */
export async function reconcileShopperWatches({
  db,
  shopId,
  customerId,
}: {
  db: Db;
  shopId: string;
  customerId: string;
}): Promise<boolean> {
  const [checkouts, rows] = await Promise.all([
    db.checkout.findMany({
      where: { shopId, customerId, completedAt: null },
      select: { shopifyUpdatedAt: true, lineItems: true },
    }),
    db.restockWatch.findMany({
      where: { shopId, customerId },
      select: {
        id: true,
        variantShopifyId: true,
        source: true,
        createdAt: true,
        openedAt: true,
        restockedAt: true,
        notifiedAt: true,
        cancelledAt: true,
      },
    }),
  ]);
  const held = checkouts.map((c) => ({ at: c.shopifyUpdatedAt, variantIds: variantIdsOf(c.lineItems) }));
  const variantIds = [...new Set([...held.flatMap((c) => c.variantIds), ...rows.map((r) => r.variantShopifyId)])];
  if (!variantIds.length) return false;
  const stock = await stockOf(db, { shopId, variantIds });
  let changed = false;
  for (const variantId of variantIds) {
    const soldOutSightings = held
      .filter((c) => c.variantIds.includes(variantId) && stock.soldOutAt(variantId, c.at))
      .map((c) => c.at);
    const row = rows.find((r) => r.variantShopifyId === variantId);
    if (row?.source === "storefront") soldOutSightings.push(row.openedAt ?? row.createdAt);
    const since = latest(soldOutSightings);
    changed =
      (await applyWatch({
        db,
        key: { shopId, customerId, variantShopifyId: variantId },
        row,
        since,
        restockedAt: since && stock.restockAfter(variantId, since),
      })) || changed;
  }
  return changed;
}

/**
 * Orders completed the checkouts with these tokens: their shoppers who hold a checkout watch
 * not told yet are re-derived, so a watch only a completed checkout justified goes (a checkout
 * completed while holding a sold-out item would otherwise keep its watch until the shopper's
 * next checkout or level report). One read for all the tokens, a webhook's or a batch's (most
 * shoppers watch nothing). Returns the shoppers whose watches changed, with the token that
 * completed their checkout.
 */
export async function reconcileCompletedCheckouts({
  db,
  shopId,
  tokens,
}: {
  db: Db;
  shopId: string;
  tokens: readonly string[];
}): Promise<{ customerId: string; token: string }[]> {
  if (!tokens.length) return [];
  const shoppers = await db.$queryRaw<{ customerId: string; token: string }[]>`
    SELECT c."customerId", MIN(c."token") AS "token" FROM "Checkout" c
    WHERE c."shopId" = ${shopId} AND c."token" IN ${inList(tokens)} AND c."completedAt" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "RestockWatch" w
        WHERE w."shopId" = c."shopId" AND w."customerId" = c."customerId"
          AND w."source" = 'checkout' AND w."notifiedAt" IS NULL)
    GROUP BY c."customerId"`;
  const changed: { customerId: string; token: string }[] = [];
  for (const s of shoppers)
    if (await reconcileShopperWatches({ db, shopId, customerId: s.customerId })) changed.push(s);
  return changed;
}

async function applyWatch({
  db,
  key,
  row,
  since,
  restockedAt,
}: {
  db: Db;
  key: { shopId: string; customerId: string; variantShopifyId: string };
  row: WatchRow | undefined;
  since: Date | null;
  restockedAt: Date | null;
}): Promise<boolean> {
  if (!since) {
    if (!row || row.notifiedAt) return false;
    await db.restockWatch.deleteMany({ where: { id: row.id, notifiedAt: null } });
    return true;
  }
  // A sighting before the restock that already closed the watch is the same sold-out spell: the
  // watch keeps that restock (and whether the shopper was told of it). Re-dating it would start a
  // second back-in-stock run for one restock.
  if (row?.restockedAt && since < row.restockedAt) return false;
  const sameTime = (a: Date | null, b: Date | null) => a?.getTime() === b?.getTime();
  if (row && sameTime(row.openedAt, since) && sameTime(row.restockedAt, restockedAt) && !row.cancelledAt) return false;
  await db.restockWatch.upsert({
    where: { shopId_variantShopifyId_customerId: key },
    create: { ...key, source: "checkout", openedAt: since, restockedAt },
    // A sighting after the last restock: a new spell, watched (and told) afresh.
    update: { openedAt: since, restockedAt, notifiedAt: null, cancelledAt: null },
  });
  return true;
}

/**
 * After a level was reported for an inventory item at `at`: the open watches on its variants
 * restock at the first restock after they opened, and the shoppers whose sightings this report
 * may re-date (an open checkout or watch from `at` on: a late sell-out or restock) are
 * re-derived. Returns the item's variants and the shoppers whose watches changed.
 */
export async function applyLevelToWatches({
  db,
  shopId,
  inventoryItemId,
  at,
}: {
  db: Db;
  shopId: string;
  inventoryItemId: string;
  at: Date;
}): Promise<{ variantIds: string[]; customerIds: string[] }> {
  const variantIds = (
    await db.variant.findMany({ where: { shopId, inventoryItemId }, select: { shopifyId: true } })
  ).map((v) => v.shopifyId);
  if (!variantIds.length) return { variantIds, customerIds: [] };
  const [open, recentCheckouts] = await Promise.all([
    db.restockWatch.findMany({
      where: { shopId, variantShopifyId: { in: variantIds }, restockedAt: null, notifiedAt: null, cancelledAt: null },
      select: { id: true, customerId: true, openedAt: true, createdAt: true },
    }),
    db.checkout.findMany({
      where: { shopId, completedAt: null, shopifyUpdatedAt: { gte: at }, customerId: { not: null } },
      select: { customerId: true, lineItems: true },
    }),
  ]);
  const changed = new Set<string>();
  const rederive = new Set<string>();
  // The item's history, read only when an open watch needs it (most level reports have none).
  let timeline: StockTimeline | undefined;
  for (const w of open) {
    if (!w.customerId) continue;
    const opened = w.openedAt ?? w.createdAt;
    if (opened >= at) {
      rederive.add(w.customerId);
      continue;
    }
    timeline ??= (await stockTimelines(db, { shopId, inventoryItemIds: [inventoryItemId] })).get(inventoryItemId)!;
    const restockedAt = restockAfter(timeline, opened);
    if (!restockedAt) continue;
    await db.restockWatch.updateMany({ where: { id: w.id, restockedAt: null }, data: { restockedAt } });
    changed.add(w.customerId);
  }
  for (const c of recentCheckouts)
    if (variantIdsOf(c.lineItems).some((v) => variantIds.includes(v))) rederive.add(c.customerId!);
  for (const customerId of rederive)
    if (await reconcileShopperWatches({ db, shopId, customerId })) changed.add(customerId);
  return { variantIds, customerIds: [...changed] };
}

/**
 * The shoppers' (or the variants') watches restocked within the notice window and not yet told,
 * read from state rather than from the transition, so a retry after a crash between "restocked"
 * and "flow started" still finds them (the flow run's key, `restock:<watch>:<restockedAt>`,
 * keeps that to one text).
 */
export async function watchesToTell({
  db,
  shopId,
  now,
  customerIds,
  variantShopifyIds,
}: {
  db: Db;
  shopId: string;
  now: Date;
  customerIds?: string[];
  variantShopifyIds?: string[];
}): Promise<RestockedWatch[]> {
  const watches = await db.restockWatch.findMany({
    where: {
      shopId,
      ...(customerIds ? { customerId: { in: customerIds } } : { customerId: { not: null } }),
      ...(variantShopifyIds ? { variantShopifyId: { in: variantShopifyIds } } : {}),
      restockedAt: { gte: new Date(now.getTime() - RESTOCK_NOTICE_WINDOW_MS) },
      notifiedAt: null,
      cancelledAt: null,
    },
    select: { id: true, customerId: true, variantShopifyId: true, restockedAt: true },
  });
  return watches.map((w) => ({ ...w, customerId: w.customerId!, restockedAt: w.restockedAt! }));
}

/** Variants by their current row and their item's history: sold out at a moment, back after it. */
async function stockOf(db: Db, q: { shopId: string; variantIds: string[] }) {
  const variants = await db.variant.findMany({
    where: { shopId: q.shopId, shopifyId: { in: q.variantIds } },
    select: { shopifyId: true, inventoryItemId: true, inventoryQuantity: true, deletedAt: true },
  });
  const items = [...new Set(variants.map((v) => v.inventoryItemId).filter((i): i is string => !!i))];
  const timelines = await stockTimelines(db, { shopId: q.shopId, inventoryItemIds: items });
  const byId = new Map(variants.map((v) => [v.shopifyId, v]));
  const timelineOf = (variantId: string): StockTimeline => {
    const item = byId.get(variantId)?.inventoryItemId;
    return (item && timelines.get(item)) || [];
  };
  return {
    /** Unknown and deleted variants are never sold out; before any reported level, the variant's own quantity. */
    soldOutAt(variantId: string, at: Date): boolean {
      const v = byId.get(variantId);
      if (!v || v.deletedAt) return false;
      return (stockAt(timelineOf(variantId), at) ?? v.inventoryQuantity) <= 0;
    },
    restockAfter: (variantId: string, at: Date) => restockAfter(timelineOf(variantId), at),
  };
}

function variantIdsOf(lineItems: unknown): string[] {
  if (!Array.isArray(lineItems)) return [];
  return lineItems
    .map((l) => (l as { variantId?: unknown }).variantId)
    .filter((v): v is string => typeof v === "string" && v.length > 0);
}

function latest(dates: Date[]): Date | null {
  return dates.reduce<Date | null>((max, d) => (!max || d > max ? d : max), null);
}
