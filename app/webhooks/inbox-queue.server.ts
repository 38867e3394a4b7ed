import type { Db } from "../db.server";
import { MINUTE } from "../clock";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { Prisma } from "../generated/sqlite/client";
import { sqlOn } from "../db/driver.server";
import { typedValue } from "../db/update-rows.server";
import { valueList } from "../db/insert-rows.server";

/** A row queued this long ago and still RECEIVED has lost its job (or it failed for good): queued again. */
export const REQUEUE_AFTER = 10 * MINUTE;
const BATCH = 500;
/** A row failed this often is left FAILED for a person to look at (docs/DEPLOY.md). */
const MAX_REQUEUED_ATTEMPTS = 30;

/**
 * The inbox row is the queue entry: the webhook route only verifies and stores it, and the
 * workers (this, in every worker's loop) queue the processing jobs for stored rows, many in
 * one statement, then mark them queued. Any number of workers may run it at once: each job's
 * dedupe key (`webhook:<row id>`) makes a second queueing of a pending job a no-op, and a
 * worker dying between the two statements leaves the rows unmarked, so they are queued again.
 * A row whose job was lost, or that is still FAILED after its job's retries, is queued again
 * after REQUEUE_AFTER. Returns how many were queued.
 */
export async function queueReceivedWebhooks(db: Db, queue: JobQueue, now: Date): Promise<number> {
  // Raw statements on the driver adapter (db/driver.server `sqlOn`): every worker runs this
  // four times a second, nearly always finding nothing, and through Prisma each poll was
  // compiled anew (~a quarter of an idle worker's CPU, measured with pg-boss on PostgreSQL).
  const queuedAt = typedValue(now, "timestamp");
  const lostBefore = typedValue(new Date(now.getTime() - REQUEUE_AFTER), "timestamp");
  let queued = 0;
  for (;;) {
    const rows = await sqlOn(db).query<{ id: string }>(Prisma.sql`SELECT "id" FROM "WebhookInbox"
      WHERE ("status" = 'RECEIVED' AND "queuedAt" IS NULL)
        -- Lost, or out of retries after an outage: the stored row is not given up on.
        OR ("status" IN ('RECEIVED', 'FAILED') AND "attempts" < ${MAX_REQUEUED_ATTEMPTS} AND "queuedAt" < ${lostBefore})
      ORDER BY "receivedAt" ASC LIMIT ${BATCH}`);
    if (rows.length === 0) return queued;
    await queue.enqueueMany(
      QUEUES.processWebhook,
      rows.map(({ id }) => ({ payload: { inboxId: id }, options: { dedupeKey: webhookJobKey(id) } })),
    );
    await sqlOn(db).execute(
      Prisma.sql`UPDATE "WebhookInbox" SET "queuedAt" = ${queuedAt} WHERE "id" IN (${valueList(rows.map((r) => r.id))})`,
    );
    queued += rows.length;
    if (rows.length < BATCH) return queued;
  }
}

export const webhookJobKey = (inboxId: string) => `webhook:${inboxId}`;
