import type { Db } from "../db.server";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { storedDefinition } from "./definition";
import { isEligible } from "./evaluate.server";
import { segmentPredicate } from "./predicate.server";
import { refreshSegmentsInRange } from "./range-refresh.server";

/**
 * Customers evaluated per job: a crash repeats at most one batch, and repeating it is harmless.
 * A definition SQL can say is evaluated inside the database (a few statements per batch); one
 * with a city is evaluated in memory, customer by customer, so its batches are smaller.
 */
export const BACKFILL_BATCH = 5000;
export const IN_MEMORY_BACKFILL_BATCH = 500;

/**
 * Evaluates a new or changed segment definition over the customers already mirrored.
 * Events keep a segment current from then on; the backfill brings in everyone who matched
 * before it existed. It runs as a chain of jobs, one batch each, in customer-id order, with
 * its progress on the Segment row (the admin shows it). A newer definition restarts it: the
 * older chain notices its start stamp is stale and stops.
 */
export async function startSegmentBackfill({
  db,
  queue,
  segmentId,
  now,
  batchSize,
}: {
  db: Db;
  queue: JobQueue;
  segmentId: string;
  now: Date;
  batchSize?: number;
}): Promise<void> {
  const segment = await db.segment.findUniqueOrThrow({ where: { id: segmentId }, select: { shopId: true } });
  const total = await db.customer.count({ where: { shopId: segment.shopId, deletedAt: null, redactedAt: null } });
  await db.segment.update({
    where: { id: segmentId },
    data: {
      backfillStartedAt: now,
      backfillCompletedAt: null,
      backfillCursor: null,
      backfillEvaluated: 0,
      backfillTotal: total,
    },
  });
  await queue.enqueue(QUEUES.backfillSegment, { segmentId, startedAt: now.toISOString(), batchSize });
}

export type BackfillStep = "more" | "done" | "stale";

/** One batch. Membership changes it makes are recorded with cause "definition". */
export async function backfillSegmentBatch({
  db,
  segmentId,
  startedAt,
  now,
  batchSize,
}: {
  db: Db;
  segmentId: string;
  startedAt: string;
  now: Date;
  batchSize?: number;
}): Promise<BackfillStep> {
  const segment = await db.segment.findUnique({ where: { id: segmentId } });
  if (!segment || segment.archivedAt || segment.backfillStartedAt?.toISOString() !== startedAt) return "stale";
  if (segment.backfillCompletedAt) return "done";

  const take =
    batchSize ?? (segmentPredicate(storedDefinition(segment), now) ? BACKFILL_BATCH : IN_MEMORY_BACKFILL_BATCH);
  const customers = await db.customer.findMany({
    where: { shopId: segment.shopId, ...(segment.backfillCursor ? { id: { gt: segment.backfillCursor } } : {}) },
    orderBy: { id: "asc" },
    take,
    select: { id: true, deletedAt: true, redactedAt: true },
  });
  // The batch's id range in one write transaction, for this segment only (what the day-one
  // sync's segment pass does for a whole shop). A membership another writer changed meanwhile
  // throws, writing nothing, and the job's retry evaluates the batch again.
  if (customers.length)
    await refreshSegmentsInRange({
      db,
      shopId: segment.shopId,
      segmentIds: [segmentId],
      range: { after: segment.backfillCursor, through: customers.at(-1)!.id },
      now,
      cause: { cause: "definition", ref: segmentId },
    });
  const evaluated = customers.filter(isEligible).length;
  const done = customers.length < take;
  await db.segment.update({
    where: { id: segmentId },
    data: {
      backfillCursor: customers.at(-1)?.id ?? segment.backfillCursor,
      backfillEvaluated: { increment: evaluated },
      ...(done ? { backfillCompletedAt: now } : {}),
    },
  });
  return done ? "done" : "more";
}
