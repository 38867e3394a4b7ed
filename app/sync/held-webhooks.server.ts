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
  return isHeldTopic(topic) && (await syncRunning(db, shopId));
}

/** Whether webhooks of this topic wait while a sync runs (whether one runs is `syncRunning`). */
export const isHeldTopic = (topic: string) => isTopic(topic) && TOPICS_HELD_DURING_SYNC.includes(topic);

/** Whether the shop's sync is writing its history or computing its segments. */
export async function syncRunning(db: Db, shopId: string): Promise<boolean> {
  const running = await db.syncRun.findFirst({
    where: { shopId, status: { in: ["RUNNING", "SEGMENTS"] } },
    select: { id: true },
  });
  return !!running;
}

/**
 * A held webhook whose replay fails is tried again, in its place, on this many sync steps
 * before the ones after it go on without it (then it is left to the queue's retries).
 */
export const HELD_REPLAY_ATTEMPTS = 3;

/**
 * What `replayHeldWebhooks` left: all applied, the deadline passed, or one failed (the rest
 * wait behind it; the next step tries it again).
 */
export type ReplayOutcome = "done" | "deadline" | "failed";

/** Held rows oldest first; one that failed its replay fewer than HELD_REPLAY_ATTEMPTS times keeps its place. */
const heldRows = (db: Db, shopDomain: string, take?: number) =>
  db.webhookInbox.findMany({
    where: {
      shopDomain,
      topic: { in: [...TOPICS_HELD_DURING_SYNC] },
      OR: [{ status: "RECEIVED" }, { status: "FAILED", attempts: { lt: HELD_REPLAY_ATTEMPTS } }],
    },
    orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
    select: { id: true, topic: true, attempts: true },
    take,
  });

/**
 * Applies the shop's held webhooks oldest first until none is left or the deadline passes.
 * One that fails stops the pass ("failed"): the webhooks after it wait, and the next step
 * tries it again first, so a transient failure (a database blip) does not let later
 * deliveries for the same shopper jump ahead of it. After HELD_REPLAY_ATTEMPTS failures it
 * is queued for the job queue's retries and the rest go on: a webhook that fails every time
 * must not hold the sync (and every later webhook of the shop) forever. That late one then
 * meets the writers' newest-wins rule (an older snapshot never undoes a newer one); only
 * deliveries with the same `updated_at`, which order alone decides, can end differently.
 */
export async function replayHeldWebhooks(
  deps: { db: Db; queue: JobQueue; replayWebhook: ReplayWebhook },
  shopDomain: string,
  deadline: number,
): Promise<ReplayOutcome> {
  for (;;) {
    const held = await heldRows(deps.db, shopDomain, 100);
    if (!held.length) return "done";
    for (const row of held) {
      try {
        await deps.replayWebhook(row.id);
      } catch (error) {
        // processWebhook marked it FAILED and counted the attempt.
        const givenUp = row.attempts + 1 >= HELD_REPLAY_ATTEMPTS;
        log.warn(
          givenUp ? "held webhook failed again; left to the queue's retries" : "held webhook failed; tried again first",
          {
            inboxId: row.id,
            topic: row.topic,
            attempts: row.attempts + 1,
            error: error instanceof Error ? error.message : String(error),
          },
        );
        if (!givenUp) return "failed";
        await retry(deps.queue, row.id);
      }
      if (Date.now() > deadline) return "deadline";
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
