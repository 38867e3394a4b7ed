import type { Db } from "../db.server";
import { MINUTE } from "../clock";
import { QUEUES, type JobQueue } from "../jobs/queue.server";

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
  let queued = 0;
  for (;;) {
    const rows = await db.webhookInbox.findMany({
      where: {
        OR: [
          { status: "RECEIVED", queuedAt: null },
          // Lost, or out of retries after an outage: the stored row is not given up on.
          {
            status: { in: ["RECEIVED", "FAILED"] },
            attempts: { lt: MAX_REQUEUED_ATTEMPTS },
            queuedAt: { lt: new Date(now.getTime() - REQUEUE_AFTER) },
          },
        ],
      },
      orderBy: { receivedAt: "asc" },
      select: { id: true },
      take: BATCH,
    });
    if (rows.length === 0) return queued;
    await queue.enqueueMany(
      QUEUES.processWebhook,
      rows.map(({ id }) => ({ payload: { inboxId: id }, options: { dedupeKey: webhookJobKey(id) } })),
    );
    await db.webhookInbox.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { queuedAt: now } });
    queued += rows.length;
    if (rows.length < BATCH) return queued;
  }
}

export const webhookJobKey = (inboxId: string) => `webhook:${inboxId}`;
