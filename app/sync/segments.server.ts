import type { Db } from "../db.server";
import { backfillSegmentBatch } from "../segments/backfill.server";

/**
 * After a sync has written the shop's history, every live segment is computed once over all
 * customers through the backfill path: changes are recorded with cause "definition", which
 * the flow engine marks handled without starting anything (old history never texts anyone).
 * The batches run inside the sync's own steps, with each segment's progress on its row.
 */
export async function startSegmentComputation(db: Db, shopId: string, stamp: Date): Promise<void> {
  const total = await db.customer.count({ where: { shopId, deletedAt: null, redactedAt: null } });
  await db.segment.updateMany({
    where: { shopId, archivedAt: null },
    data: {
      backfillStartedAt: stamp,
      backfillCompletedAt: null,
      backfillCursor: null,
      backfillEvaluated: 0,
      backfillTotal: total,
    },
  });
  // The time sweep takes over from this instant; boundaries before it are in the computation.
  await db.shop.update({ where: { id: shopId }, data: { segmentsSweptAt: stamp } });
}

/** Runs segment batches until every segment of this computation is done (true) or the budget is spent. */
export async function computeSegmentsStep(
  db: Db,
  run: { shopId: string; segmentsStartedAt: Date | null },
  now: Date,
  budgetMs: number,
): Promise<boolean> {
  const stamp = run.segmentsStartedAt ?? now;
  // A step that died between finishing the last resource and stamping the segments: stamp them now.
  if (!(await db.segment.count({ where: { shopId: run.shopId, backfillStartedAt: stamp } })))
    await startSegmentComputation(db, run.shopId, stamp);
  const deadline = Date.now() + budgetMs;
  for (;;) {
    // A segment edited meanwhile carries a newer stamp: its own backfill chain covers it.
    const segment = await db.segment.findFirst({
      where: { shopId: run.shopId, archivedAt: null, backfillStartedAt: stamp, backfillCompletedAt: null },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    if (!segment) return true;
    await backfillSegmentBatch(db, segment.id, stamp.toISOString(), now);
    if (Date.now() > deadline) return false;
  }
}
