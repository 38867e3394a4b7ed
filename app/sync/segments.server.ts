import type { Db } from "../db.server";
import { refreshSegmentsFor } from "../segments/refresh.server";

/** Customers per batch (the set-based refresh's own chunk). */
const SEGMENT_BATCH = 500;

/**
 * After a sync has written the shop's history, every live segment is computed once over all
 * customers with the set-based refresh (segments/refresh.server.ts), every segment per batch
 * of customers, progress on each Segment row as a backfill's. Changes are recorded with cause
 * "sync" (CAUSES_WITHOUT_FLOWS: old history never texts anyone).
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

/** Runs batches until every segment of this computation is done (true) or the budget is spent. */
export async function computeSegmentsStep({
  db,
  run,
  now,
  budgetMs,
}: {
  db: Db;
  run: { id: string; shopId: string; segmentsStartedAt: Date | null };
  now: Date;
  budgetMs: number;
}): Promise<boolean> {
  const stamp = run.segmentsStartedAt ?? now;
  // A step that died between finishing the last resource and stamping the segments: stamp them now.
  if (!(await db.segment.count({ where: { shopId: run.shopId, backfillStartedAt: stamp } })))
    await startSegmentComputation(db, run.shopId, stamp);
  const deadline = Date.now() + budgetMs;
  for (;;) {
    if (await segmentBatch({ db, run, stamp, now })) return true;
    if (Date.now() > deadline) return false;
  }
}

/**
 * One batch of customers through every pending segment with the set-based refresh (one
 * evaluation query and one write transaction per batch), then the segments' progress. A crash
 * between the two repeats the batch, which then changes nothing. True when all are done.
 */
async function segmentBatch({
  db,
  run,
  stamp,
  now,
}: {
  db: Db;
  run: { id: string; shopId: string };
  stamp: Date;
  now: Date;
}): Promise<boolean> {
  const { shopId } = run;
  // A segment edited meanwhile carries a newer stamp: its own backfill chain covers it.
  const pending = await db.segment.findMany({
    where: { shopId, archivedAt: null, backfillStartedAt: stamp, backfillCompletedAt: null },
    select: { id: true, backfillCursor: true },
  });
  if (!pending.length) return true;
  // All move together; should cursors differ, the furthest behind go first.
  const cursor = pending
    .map((s) => s.backfillCursor)
    .reduce((a, b) => (a === null || b === null ? null : a < b ? a : b));
  const segmentIds = pending.filter((s) => s.backfillCursor === cursor).map((s) => s.id);

  const customers = await db.customer.findMany({
    where: { shopId, ...(cursor ? { id: { gt: cursor } } : {}) },
    orderBy: { id: "asc" },
    take: SEGMENT_BATCH,
    select: { id: true, deletedAt: true, redactedAt: true },
  });
  const cause = { cause: "sync" as const, ref: run.id };
  await refreshSegmentsFor({ db, shopId, customerIds: customers.map((c) => c.id), segmentIds, now, cause });
  // Old history starts no flow: its events are handled as written (saves the flow engine a
  // write per event, hundreds of thousands on a large shop).
  await db.segmentMembershipEvent.updateMany({
    where: { shopId, flowsHandledAt: null, cause: cause.cause, causeRef: cause.ref },
    data: { flowsHandledAt: now },
  });
  const done = customers.length < SEGMENT_BATCH;
  await db.segment.updateMany({
    where: { id: { in: segmentIds } },
    data: {
      backfillCursor: customers.at(-1)?.id ?? cursor,
      backfillEvaluated: { increment: customers.filter((c) => !c.deletedAt && !c.redactedAt).length },
      ...(done ? { backfillCompletedAt: now } : {}),
    },
  });
  return false;
}
