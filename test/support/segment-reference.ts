import db from "../../app/db.server";
import { startSegmentBackfill } from "../../app/segments/backfill.server";
import type { TestShop } from "./app";

/** Every live segment of the shop evaluated over all its customers now (the backfill path). */
export async function startBackfillOfAllSegments(shop: TestShop, shopId: string) {
  const segments = await db.segment.findMany({ where: { shopId, archivedAt: null }, select: { id: true } });
  for (const s of segments)
    await startSegmentBackfill({ db, queue: shop.deps.queue, segmentId: s.id, now: shop.clock.now() });
  await shop.work();
}
