import type { Db } from "../db.server";
import type { Clock } from "../clock";
import { processWebhook } from "../webhooks/process.server";
import { sweepShop } from "../segments/sweep.server";
import { backfillSegmentBatch } from "../segments/backfill.server";
import { sendMessage, type DispatchDeps } from "../messaging/dispatch.server";
import { advanceFlowRun, consumeMembershipEvents } from "../flows/engine.server";
import { runCampaign } from "../campaigns/campaigns.server";
import { writeConsentBack } from "../consent/write-back.server";
import { syncProductCollections } from "../commerce/product-collections.server";
import { QUEUES, type JobHandler } from "./queue.server";

/** Everything a job may need; built once per worker process (or per test shop). */
export type WorkerDeps = DispatchDeps;

/** What each queue does; shared by every job runner. */
export function jobHandlers(deps: WorkerDeps): Record<string, JobHandler> {
  const { db, clock, queue } = deps;
  return {
    [QUEUES.processWebhook]: async (payload) => {
      await processWebhook(deps, String(payload.inboxId));
    },
    // One batch per job, then the next batch as a new job: progress survives a crash.
    [QUEUES.backfillSegment]: async (payload) => {
      const step = await backfillSegmentBatch(
        db,
        String(payload.segmentId),
        String(payload.startedAt),
        clock.now(),
        Number(payload.batchSize) || undefined,
      );
      if (step === "more") await queue.enqueue(QUEUES.backfillSegment, payload);
    },
    [QUEUES.sendMessage]: async (payload) => {
      await sendMessage(deps, String(payload.messageId));
    },
    [QUEUES.advanceFlowRun]: async (payload) => {
      await advanceFlowRun(deps, String(payload.runId));
    },
    [QUEUES.runCampaign]: async (payload) => {
      await runCampaign(deps, String(payload.campaignId));
    },
    [QUEUES.consumeMembershipEvents]: async () => {
      while ((await consumeMembershipEvents(deps)) > 0) {
        /* until caught up */
      }
    },
    [QUEUES.writeConsentBack]: async (payload) => {
      await writeConsentBack(deps, String(payload.customerId));
    },
    [QUEUES.syncProductCollections]: async (payload) => {
      await syncProductCollections(deps, String(payload.shopId), String(payload.productShopifyId));
    },
    [QUEUES.sweepSegments]: async () => {
      await sweepAllShops(db, clock);
    },
  };
}

/** The recurring time sweep over installed shops. */
export async function sweepAllShops(db: Db, clock: Clock): Promise<number> {
  const shops = await db.shop.findMany({ where: { uninstalledAt: null }, select: { id: true } });
  let changes = 0;
  for (const s of shops) changes += (await sweepShop(db, s.id, clock.now())).changes.length;
  return changes;
}
