import type { Db } from "../db.server";
import { DAY } from "../clock";
import { typedValue } from "../db/update-rows.server";

/**
 * Stock over time, from every level Shopify reported (`InventoryLevelChange`), so "was this
 * variant sold out when the shopper's checkout was?" and "when did it come back?" have the same
 * answer whatever order the webhooks arrive in: a late sell-out or restock is history, not the
 * present, and the current level (InventoryLevel, newest wins) cannot tell the two apart.
 */

/**
 * The "location" a product payload's variant quantity is kept under: Shopify's total at the
 * product's time. It stands until the item's first per-location level, as the variant's
 * quantity does in the current state (commerce/products).
 */
export const PRODUCT_TOTAL = "product";

/** How long reported levels are kept (each location's newest older one stays as the baseline). */
export const STOCK_HISTORY_DAYS = 30;

/** A location's level as reported at `at` (a webhook's updated_at, the sync's). Replays are no-ops. */
export async function recordLevel(
  db: Db,
  level: { shopId: string; inventoryItemId: string; locationId: string; at: Date; available: number },
): Promise<void> {
  const { shopId, inventoryItemId, locationId, at } = level;
  await db.inventoryLevelChange.upsert({
    where: { shopId_inventoryItemId_locationId_at: { shopId, inventoryItemId, locationId, at } },
    create: level,
    update: {},
  });
}

/** An inventory item's total over its locations after each reported change, oldest first. */
export type StockTimeline = { at: Date; total: number }[];

export async function stockTimelines(
  db: Db,
  q: { shopId: string; inventoryItemIds: string[] },
): Promise<Map<string, StockTimeline>> {
  const timelines = new Map<string, StockTimeline>(q.inventoryItemIds.map((id) => [id, []]));
  if (!q.inventoryItemIds.length) return timelines;
  const changes = await db.inventoryLevelChange.findMany({
    where: { shopId: q.shopId, inventoryItemId: { in: q.inventoryItemIds } },
    orderBy: [{ inventoryItemId: "asc" }, { at: "asc" }],
    select: { inventoryItemId: true, locationId: true, at: true, available: true },
  });
  const levels = new Map<string, { locations: Map<string, number>; product: number }>();
  for (const c of changes) {
    const item = levels.get(c.inventoryItemId) ?? { locations: new Map<string, number>(), product: 0 };
    levels.set(c.inventoryItemId, item);
    if (c.locationId === PRODUCT_TOTAL) item.product = c.available;
    else item.locations.set(c.locationId, c.available);
    const total = item.locations.size ? [...item.locations.values()].reduce((sum, n) => sum + n, 0) : item.product;
    const timeline = timelines.get(c.inventoryItemId)!;
    // Two locations reported at the same instant are one point: the later total stands.
    if (timeline.at(-1)?.at.getTime() === c.at.getTime()) timeline.at(-1)!.total = total;
    else timeline.push({ at: c.at, total });
  }
  return timelines;
}

/** The total as of `at`, or null when nothing was reported by then. */
export function stockAt(timeline: StockTimeline, at: Date): number | null {
  let total: number | null = null;
  for (const point of timeline) {
    if (point.at > at) break;
    total = point.total;
  }
  return total;
}

/** The first moment after `at` the item was in stock again (the restock that ends a sold-out spell). */
export function restockAfter(timeline: StockTimeline, at: Date): Date | null {
  return timeline.find((point) => point.at > at && point.total > 0)?.at ?? null;
}

/**
 * Drops reported levels older than STOCK_HISTORY_DAYS, except each location's newest such one:
 * it is the level as of every moment before the first kept change.
 */
export async function pruneStockHistory(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - STOCK_HISTORY_DAYS * DAY);
  const before = typedValue(cutoff, "timestamp");
  return db.$executeRaw`
    DELETE FROM "InventoryLevelChange" AS c
    WHERE c."at" < ${before} AND EXISTS (
      SELECT 1 FROM "InventoryLevelChange" AS n
      WHERE n."shopId" = c."shopId" AND n."inventoryItemId" = c."inventoryItemId"
        AND n."locationId" = c."locationId" AND n."at" > c."at" AND n."at" < ${before}
    )`;
}
