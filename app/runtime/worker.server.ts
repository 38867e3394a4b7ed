import { hostname } from "node:os";
import db from "../db.server";
import { QUEUES } from "../jobs/queue.server";
import { errorFields, log } from "../observability/log.server";
import { queue, selectJobEngine } from "./job-engine.server";
import { jobHandlers } from "./job-handlers.server";
import { queueReceivedWebhooks } from "../webhooks/inbox-queue.server";
import { services } from "./services.server";
import { HOUR } from "../clock";
import { DEFAULT_WEBHOOK_RETENTION_DAYS } from "../privacy/retention.server";

/** How often a worker looks for stored webhooks to queue (an index lookup when there are none). */
const INBOX_POLL_MS = 250;

/**
 * The worker process: runs every job (webhooks, backfills, flow steps, sends, campaigns) on
 * the job engine, queues the processing of the webhooks the routes stored (every
 * INBOX_POLL_MS, webhooks/inbox-queue), and keeps three recurring jobs queued: handing membership events to the flow
 * engine (every second), the segment time sweep (every `sweepEveryMs`) and the webhook-body
 * retention (every `retentionEveryMs`, bodies older than `webhookRetentionDays`). Run as many
 * as you like: the engine gives each job to one of them, and the recurring jobs are
 * deduplicated. Returns when `shouldStop()` turns true (SIGINT / SIGTERM in `scripts/worker.ts`).
 */
export async function runWorker({
  sweepEveryMs,
  webhookRetentionDays = DEFAULT_WEBHOOK_RETENTION_DAYS,
  retentionEveryMs = HOUR,
  shouldStop,
}: {
  sweepEveryMs: number;
  webhookRetentionDays?: number;
  retentionEveryMs?: number;
  shouldStop: () => boolean;
}) {
  const workerId = `${hostname()}:${process.pid}`;
  await startWhenDatabaseAnswers(() => queue.start(jobHandlers(services()), workerId), shouldStop, workerId);
  log.info("worker started", { workerId, engine: selectJobEngine(), pid: process.pid });
  let lastSweep = 0;
  let lastRetention = 0;
  let lastConsume = 0;
  while (!shouldStop()) {
    const now = Date.now();
    try {
      // Webhooks the routes stored since the last tick get their processing jobs (the route
      // itself only stores the row: webhooks/inbox-queue).
      await queueReceivedWebhooks(db, queue, new Date(now));
      if (now - lastConsume >= 1000) {
        await queue.enqueue(QUEUES.consumeMembershipEvents, {}, { dedupeKey: QUEUES.consumeMembershipEvents });
        lastConsume = now;
      }
      if (now - lastSweep >= sweepEveryMs) {
        await queue.enqueue(QUEUES.sweepSegments, {}, { dedupeKey: QUEUES.sweepSegments });
        lastSweep = now;
      }
      if (now - lastRetention >= retentionEveryMs) {
        await queue.enqueue(
          QUEUES.pruneWebhookBodies,
          { retentionDays: webhookRetentionDays },
          { dedupeKey: QUEUES.pruneWebhookBodies },
        );
        lastRetention = now;
      }
    } catch (error) {
      // The database went away for a moment (restart, failover): keep the loop, try next tick.
      log.warn("recurring jobs not queued", { workerId, ...errorFields(error) });
    }
    await new Promise((r) => setTimeout(r, INBOX_POLL_MS));
  }
  await queue.stop();
  await db.$disconnect();
  log.info("worker stopped", { workerId });
}

/** How long a starting worker keeps trying to reach the database before it exits for its supervisor. */
const START_PATIENCE_MS = 120_000;

/**
 * A worker restarted while the database is away (a restart, a failover: the fault suite's
 * database-restart test) waits for it with backoff instead of exiting at once, which would make
 * its supervisor restart it in a loop for as long as the database is down.
 */
async function startWhenDatabaseAnswers(start: () => Promise<void>, shouldStop: () => boolean, workerId: string) {
  const deadline = Date.now() + START_PATIENCE_MS;
  for (let delay = 250; ; delay = Math.min(delay * 2, 5000)) {
    try {
      return await start();
    } catch (error) {
      if (shouldStop() || Date.now() + delay > deadline) throw error;
      log.warn("worker waits for the database to start", { workerId, retryInMs: delay, ...errorFields(error) });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
