import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { refreshSegmentsInRange } from "../segments/range-refresh.server";

/**
 * Customers per chunk of the pass: one transaction for all segments, so the chunk bounds how
 * long other writers wait on SQLite, and what a crash repeats.
 */
const SEGMENT_CHUNK = 10_000;

/**
 * After a sync has written the shop's history, every live segment is computed once over all
 * customers inside the database (segments/range-refresh.server.ts), every segment per chunk
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
 * One chunk of customers (by id) through every pending segment, evaluated inside the database
 * (segments/range-refresh: a few statements per segment for the whole chunk, one transaction),
 * then the segments' progress. A crash between the two repeats the chunk, which then changes
 * nothing. True when all are done.
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

  const after = cursor ? Prisma.sql`AND "id" > ${cursor}` : Prisma.empty;
  // The chunk's last customer; none when fewer remain, and the chunk runs to the shop's end.
  const [last] = await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Customer" WHERE "shopId" = ${shopId} ${after}
    ORDER BY "id" LIMIT 1 OFFSET ${SEGMENT_CHUNK - 1}`;
  const range = { after: cursor, through: last?.id ?? null };
  // Old history starts no flow: cause "sync" is in CAUSES_WITHOUT_FLOWS, its events are written handled.
  await refreshSegmentsInRange({ db, shopId, segmentIds, range, now, cause: { cause: "sync", ref: run.id } });
  const [seen] = await db.$queryRaw<{ last: string | null; eligible: number | bigint }[]>`
    SELECT MAX("id") AS "last", COUNT(CASE WHEN "deletedAt" IS NULL AND "redactedAt" IS NULL THEN 1 END) AS "eligible"
    FROM "Customer" WHERE "shopId" = ${shopId} ${after} ${last ? Prisma.sql`AND "id" <= ${last.id}` : Prisma.empty}`;
  await db.segment.updateMany({
    where: { id: { in: segmentIds } },
    data: {
      backfillCursor: seen?.last ?? cursor,
      backfillEvaluated: { increment: Number(seen?.eligible ?? 0) },
      ...(last ? {} : { backfillCompletedAt: now }),
    },
  });
  return false;
}
