import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { isPostgres } from "../db/update-rows.server";
import { storedDefinition } from "../segments/definition";
import { segmentPredicate } from "../segments/predicate.server";
import { refreshSegmentsInRange, type CustomerRange } from "../segments/range-refresh.server";

/** Customers per chunk for a segment decided in memory (~1 s per 500 on the bench machine, a step's budget 20 s). */
const IN_MEMORY_CHUNK = 2_000;

/**
 * After a sync has written the shop's history, every live segment is computed once over all
 * customers inside the database (segments/range-refresh.server.ts), a segment at a time,
 * progress on each Segment row as a backfill's. Changes are recorded with cause
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
  // The tables the sync just filled were never analysed: PostgreSQL planned the pass's
  // statements for a few rows (an anti-join scanning a segment's members for every customer).
  if (isPostgres()) await db.$executeRaw`ANALYZE "Customer", "SegmentMembership"`;
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
 * One piece of the pass, inside the database (segments/range-refresh), then its progress: a
 * segment over the whole shop in one transaction (a few statements), or, for the segments SQL
 * cannot decide exactly (a city), a chunk of customers by id decided in memory. A crash between
 * the two repeats the piece, which then changes nothing. True when all are done.
 *
 * Whole shop rather than chunks of customers by id: the customer index by shop serves a whole
 * shop, but no index serves a shop's id range, so each chunk's statements walked all the shop's
 * customers again (at 100k, 10 chunks of 10,000: 10 times the work).
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
    select: { id: true, definition: true, backfillCursor: true },
    orderBy: { id: "asc" },
  });
  if (!pending.length) return true;
  // Old history starts no flow: cause "sync" is in CAUSES_WITHOUT_FLOWS, its events are written handled.
  const cause = { cause: "sync" as const, ref: run.id };
  const whole = pending.find((s) => segmentPredicate(storedDefinition(s), now));
  if (whole) {
    const range = { after: null, through: null };
    await refreshSegmentsInRange({ db, shopId, segmentIds: [whole.id], range, now, cause });
    const [seen] = await progressOf(db, shopId, range);
    await db.segment.update({
      where: { id: whole.id },
      data: {
        backfillCursor: seen?.last ?? null,
        backfillEvaluated: Number(seen?.eligible ?? 0),
        backfillCompletedAt: now,
      },
    });
    return false;
  }

  // All move together; should cursors differ, the furthest behind go first.
  const cursor = pending
    .map((s) => s.backfillCursor)
    .reduce((a, b) => (a === null || b === null ? null : a < b ? a : b));
  const segmentIds = pending.filter((s) => s.backfillCursor === cursor).map((s) => s.id);
  const after = cursor ? Prisma.sql`AND "id" > ${cursor}` : Prisma.empty;
  // The chunk's last customer; none when fewer remain, and the chunk runs to the shop's end.
  const [last] = await db.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Customer" WHERE "shopId" = ${shopId} ${after}
    ORDER BY "id" LIMIT 1 OFFSET ${IN_MEMORY_CHUNK - 1}`;
  const range = { after: cursor, through: last?.id ?? null };
  await refreshSegmentsInRange({ db, shopId, segmentIds, range, now, cause });
  const [seen] = await progressOf(db, shopId, range);
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

/** The range's last customer and how many of its customers a segment can hold (not deleted or redacted). */
function progressOf(db: Db, shopId: string, { after, through }: CustomerRange) {
  return db.$queryRaw<{ last: string | null; eligible: number | bigint }[]>`
    SELECT MAX("id") AS "last", COUNT(CASE WHEN "deletedAt" IS NULL AND "redactedAt" IS NULL THEN 1 END) AS "eligible"
    FROM "Customer" WHERE "shopId" = ${shopId} ${after === null ? Prisma.empty : Prisma.sql`AND "id" > ${after}`}
      ${through === null ? Prisma.empty : Prisma.sql`AND "id" <= ${through}`}`;
}
