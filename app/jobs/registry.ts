import { z } from "zod";

/**
 * Every queue the app uses, with the schema of its payload: the one list that links a
 * producer's `enqueue` to its handler (`app/runtime/job-handlers.server.ts` must have an entry per queue, a
 * compile error otherwise). Payloads are JSON in the job table or pg-boss, so ids are
 * strings and times ISO strings.
 */
export const QUEUES = {
  processWebhook: "webhooks.process",
  backfillSegment: "segments.backfill",
  sendMessage: "messages.send",
  advanceFlowRun: "flows.advance",
  runCampaign: "campaigns.run",
  consumeMembershipEvents: "flows.consume-membership-events",
  sweepSegments: "segments.sweep",
  writeConsentBack: "consent.write-back",
  syncProductCollections: "products.sync-collections",
  syncStep: "sync.step",
  syncShopFacts: "shops.sync-facts",
  pruneWebhookBodies: "webhooks.prune-bodies",
  finishRedaction: "privacy.finish-redaction",
} as const;

const none = z.object({});

export const JOB_PAYLOADS = {
  [QUEUES.processWebhook]: z.object({ inboxId: z.string() }),
  [QUEUES.backfillSegment]: z.object({
    segmentId: z.string(),
    startedAt: z.string(),
    batchSize: z.number().int().positive().optional(),
  }),
  [QUEUES.sendMessage]: z.object({ messageId: z.string() }),
  [QUEUES.advanceFlowRun]: z.object({ runId: z.string() }),
  [QUEUES.runCampaign]: z.object({ campaignId: z.string() }),
  [QUEUES.consumeMembershipEvents]: none,
  [QUEUES.sweepSegments]: none,
  [QUEUES.writeConsentBack]: z.object({ customerId: z.string() }),
  [QUEUES.syncProductCollections]: z.object({ shopId: z.string(), productShopifyId: z.string() }),
  [QUEUES.syncStep]: z.object({ runId: z.string() }),
  [QUEUES.syncShopFacts]: z.object({ shopDomain: z.string() }),
  [QUEUES.pruneWebhookBodies]: z.object({
    retentionDays: z.number().int().positive(),
    batchSize: z.number().int().positive().optional(),
  }),
  [QUEUES.finishRedaction]: z.object({ inboxId: z.string() }),
} satisfies Record<(typeof QUEUES)[keyof typeof QUEUES], z.ZodType>;

export type QueueName = keyof typeof JOB_PAYLOADS;
export type JobPayload<Q extends QueueName> = z.infer<(typeof JOB_PAYLOADS)[Q]>;

/** A handler per queue, each receiving its own payload type. */
export type JobHandlerTable = { [Q in QueueName]: (payload: JobPayload<Q>) => Promise<void> };
