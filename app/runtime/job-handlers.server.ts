import type { AppServices } from "../services";
import type { Db } from "../db.server";
import { systemClock, type Clock } from "../clock";
import { finishRedaction, processWebhook } from "../webhooks/process.server";
import { processWebhooks } from "../webhooks/process-batch.server";
import { sweepShop } from "../segments/sweep.server";
import { backfillSegmentBatch } from "../segments/backfill.server";
import { sendMessage, sendMessages } from "../messaging/dispatch.server";
import { advanceFlowRun, consumeMembershipEvents } from "../flows/engine.server";
import { runCampaign } from "../campaigns/campaigns.server";
import { writeConsentBack } from "../consent/write-back.server";
import { syncProductCollections } from "../commerce/product-collections.server";
import { syncShopFacts } from "../commerce/shop-facts.server";
import type { JobHandler } from "../jobs/queue.server";
import { JOB_PAYLOADS, QUEUES, type JobHandlerTable, type QueueName } from "../jobs/registry";
import { syncStep, type SyncOptions } from "../sync/run.server";
import { pruneDataExports, pruneWebhookBodies } from "../privacy/retention.server";
import { pruneRateCounters } from "../http/rate-limit.server";
import { pruneStockHistory } from "../commerce/stock-history.server";

/** Everything a job may need; built once per worker process (or per test shop). */
export type WorkerDeps = AppServices & { sync?: SyncOptions };

/** What each queue does, as the engines run it: each payload parsed with its queue's schema first. */
export function jobHandlers(deps: WorkerDeps): Record<QueueName, JobHandler> {
  const table = handlerTable(deps);
  const run = <Q extends QueueName>(queue: Q): JobHandler => {
    const schema = JOB_PAYLOADS[queue];
    return async (payload) => table[queue](schema.parse(payload) as Parameters<JobHandlerTable[Q]>[0]);
  };
  const handlers = Object.fromEntries(Object.keys(table).map((q) => [q, run(q as QueueName)])) as Record<
    QueueName,
    JobHandler
  >;
  // Sends go in batches: the engine hands over every send job one fetch claimed.
  handlers[QUEUES.sendMessage].batch = async (payloads) => {
    const ids = payloads.map((p) => JOB_PAYLOADS[QUEUES.sendMessage].parse(p).messageId);
    const results = await sendMessages(deps, ids);
    return ids.map((id) => {
      const result = results.get(id);
      return result instanceof Error ? result : undefined;
    });
  };
  // Two send batches in flight per worker: while one waits on the provider (and on the job
  // engine's fetch and completion), the other uses the CPU (issue 16: a worker process alone
  // reached 0.40x the bare adapter, its batches drained back to back 0.67x).
  handlers[QUEUES.sendMessage].inFlight = 2;
  // Webhooks too: a fetch's rows of one shop share the shop, the hold check, one segment
  // refresh and one inbox update (webhooks/process-batch); a failing row fails its job alone.
  handlers[QUEUES.processWebhook].batch = async (payloads) => {
    const ids = payloads.map((p) => JOB_PAYLOADS[QUEUES.processWebhook].parse(p).inboxId);
    const results = await processWebhooks(deps, ids);
    return ids.map((id) => {
      const result = results.get(id);
      return result instanceof Error ? result : undefined;
    });
  };
  return handlers;
}

/** What each queue does; shared by every job runner. */
function handlerTable(deps: WorkerDeps): JobHandlerTable {
  const { db, clock, queue } = deps;
  return {
    [QUEUES.processWebhook]: async (payload) => {
      await processWebhook(deps, payload.inboxId);
    },
    // One batch per job, then the next batch as a new job: progress survives a crash.
    [QUEUES.backfillSegment]: async (payload) => {
      const step = await backfillSegmentBatch({
        db,
        segmentId: payload.segmentId,
        startedAt: payload.startedAt,
        now: clock.now(),
        batchSize: payload.batchSize,
      });
      if (step === "more") await queue.enqueue(QUEUES.backfillSegment, payload);
    },
    [QUEUES.sendMessage]: async (payload) => {
      await sendMessage(deps, payload.messageId);
    },
    [QUEUES.advanceFlowRun]: async (payload) => {
      await advanceFlowRun(deps, payload.runId);
    },
    [QUEUES.runCampaign]: async (payload) => {
      await runCampaign(deps, payload.campaignId);
    },
    [QUEUES.consumeMembershipEvents]: async () => {
      while ((await consumeMembershipEvents(deps)) > 0) {
        /* until caught up */
      }
    },
    [QUEUES.writeConsentBack]: async (payload) => {
      await writeConsentBack(deps, payload.customerId);
    },
    [QUEUES.syncProductCollections]: async (payload) => {
      await syncProductCollections(deps, payload.shopId, payload.productShopifyId);
    },
    // The day-one sync: one bounded step per job, each queuing the next (app/sync/run.server.ts).
    [QUEUES.syncStep]: async (payload) => {
      // Webhooks held during the sync are applied by its last step, in order, past the hold.
      const replayWebhook = (inboxId: string) => processWebhook(deps, inboxId, { replaying: true });
      await syncStep({ ...deps, replayWebhook }, payload.runId, deps.sync);
    },
    [QUEUES.syncShopFacts]: async (payload) => {
      await syncShopFacts(deps, payload.shopDomain);
    },
    [QUEUES.sweepSegments]: async () => {
      await sweepAllShops(db, clock);
    },
    // Raw webhook bodies past their retention: bounded batches, a backlog continues in a new job.
    // And the storefront's rate counters of ended windows (keyed hashes of addresses and numbers),
    // which otherwise go only when a later window's first hit comes, if it ever does; and
    // data_request exports past their 30 days. Both are stamped with the wall clock (the routes'
    // clock, a column default), so they are aged by it, not by the worker's (tests move theirs).
    [QUEUES.pruneWebhookBodies]: async (payload) => {
      const { more } = await pruneWebhookBodies({ db, now: clock.now(), ...payload });
      if (more) return void (await queue.enqueue(QUEUES.pruneWebhookBodies, payload));
      await pruneRateCounters(db, systemClock.now());
      await pruneDataExports(db, systemClock.now());
      // Stock history is dated by Shopify's report times, so it is aged by the worker's clock.
      await pruneStockHistory(db, clock.now());
    },
    // customers/redact's second pass, REDACTION_SECOND_PASS_MS after the first (webhooks/process).
    [QUEUES.finishRedaction]: async (payload) => {
      await finishRedaction(deps, payload.inboxId);
    },
  };
}

/** The recurring time sweep over installed shops. */
export async function sweepAllShops(db: Db, clock: Clock): Promise<number> {
  // A shop whose sync is writing its history is swept once the sync has computed its
  // segments: a boundary judged on half-written history would be wrong.
  const shops = await db.shop.findMany({
    where: { uninstalledAt: null, syncRuns: { none: { status: { in: ["RUNNING", "SEGMENTS"] } } } },
    select: { id: true },
  });
  let changes = 0;
  for (const s of shops) changes += (await sweepShop(db, s.id, clock.now())).changes.length;
  return changes;
}
