import type { Db } from "../db.server";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { log } from "../observability/log.server";
import { isTopic, TOPICS_HELD_DURING_SYNC } from "../shopify-topics";

/**
 * Webhooks that arrive while a shop's sync runs are held, then applied in arrival order
 * once the snapshot and the segments computed from it are in place. Applied at once they
 * would re-evaluate a customer's segments on half-written history (an order for a customer
 * whose earlier orders are not synced yet makes a "one-time buyer" who is not), and those
 * changes start flows. Held, they meet the finished snapshot under the newest-wins rule of
 * the writers, in the order Shopify sent them, exactly as if they had come after the sync.
 * A held webhook is an inbox row left RECEIVED: stored and acknowledged, not yet processed.
 * Which topics are held: `held` in the one topic list, app/shopify-topics.ts.
 */

/** Applies one held inbox row (processWebhook past the hold), injected by the worker. */
export type ReplayWebhook = (inboxId: string) => Promise<unknown>;

/** Whether a webhook for this shop and topic waits for the running sync. */
export async function heldBySync(db: Db, shopId: string, topic: string): Promise<boolean> {
  if (!isTopic(topic) || !TOPICS_HELD_DURING_SYNC.includes(topic)) return false;
  const running = await db.syncRun.findFirst({
    where: { shopId, status: { in: ["RUNNING", "SEGMENTS"] } },
    select: { id: true },
  });
  return !!running;
}

const heldRows = (db: Db, shopDomain: string, take?: number) =>
  db.webhookInbox.findMany({
    where: { shopDomain, status: "RECEIVED", topic: { in: [...TOPICS_HELD_DURING_SYNC] } },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    select: { id: true, topic: true },
    take,
  });

/**
 * Applies the shop's held webhooks oldest first until none is left (true) or the deadline
 * passes (false: the next step goes on). One that fails is left to the queue's retries (its
 * row is FAILED, and a FAILED row is not held again): the sync does not wait on it.
 */
export async function replayHeldWebhooks(
  deps: { db: Db; queue: JobQueue; replayWebhook: ReplayWebhook },
  shopDomain: string,
  deadline: number,
): Promise<boolean> {
  const failed = new Set<string>();
  for (;;) {
    const held = (await heldRows(deps.db, shopDomain, 100)).filter((r) => !failed.has(r.id));
    if (!held.length) return true;
    for (const row of held) {
      try {
        await deps.replayWebhook(row.id);
      } catch (error) {
        failed.add(row.id);
        log.warn("held webhook failed; queued for retry", {
          inboxId: row.id,
          topic: row.topic,
          error: error instanceof Error ? error.message : String(error),
        });
        await retry(deps.queue, row.id);
      }
      if (Date.now() > deadline) return false;
    }
  }
}

/**
 * After the sync has ended: queues any webhook still held (one held in the instant the sync
 * ended, or all of them in a process that cannot replay them itself). Now nothing holds them.
 */
export async function releaseHeldWebhooks(deps: { db: Db; queue: JobQueue }, shopDomain: string): Promise<number> {
  const held = await heldRows(deps.db, shopDomain);
  for (const row of held) await retry(deps.queue, row.id);
  return held.length;
}

const retry = (queue: JobQueue, inboxId: string) =>
  queue.enqueue(QUEUES.processWebhook, { inboxId }, { dedupeKey: `webhook:${inboxId}:after-sync` });
