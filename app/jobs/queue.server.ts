/**
 * The job interface every producer uses (webhook ingestion, flows, campaigns).
 * Embedded default (SQLite): a durable table-backed queue (table-queue.server.ts).
 * Production (PostgreSQL): pg-boss (pg-boss-queue.server.ts). Both pass test/jobs/contract.
 */
export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  /** A second enqueue with the same key is a no-op while the first is pending. */
  dedupeKey?: string;
}

export interface JobQueue {
  enqueue(queue: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
}

export type JobHandler = (payload: Record<string, unknown>) => Promise<void>;

/** A queue that also runs jobs: a worker process starts it with the handlers. */
export interface JobEngine extends JobQueue {
  start(handlers: Record<string, JobHandler>, workerId: string): Promise<void>;
  stop(): Promise<void>;
}

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
} as const;
