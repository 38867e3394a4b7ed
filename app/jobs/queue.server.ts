/**
 * The job interface every producer uses (webhook ingestion, flows, campaigns).
 * Embedded default: a durable table-backed queue run in-process (table-queue.server.ts).
 * Production (PostgreSQL): an established PostgreSQL job engine behind the same interface.
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

export const QUEUES = {
  processWebhook: "webhooks.process",
  backfillSegment: "segments.backfill",
  sendMessage: "messages.send",
  advanceFlowRun: "flows.advance",
  runCampaign: "campaigns.run",
} as const;
