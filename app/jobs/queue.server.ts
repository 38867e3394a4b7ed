import type { JobPayload, QueueName } from "./registry";

/**
 * The job interface every producer uses (webhook ingestion, flows, campaigns).
 * Embedded default (SQLite): a durable table-backed queue (table-queue.server.ts).
 * Production (PostgreSQL): pg-boss (pg-boss-queue.server.ts). Both pass test/jobs/contract.
 *
 * Producers see the typed port (`JobQueue`): a queue name from `registry.ts` and the payload
 * its schema describes, so `enqueue(QUEUES.sendMessage, { messageId })` is checked by the
 * compiler and leads to the handler in `app/runtime/job-handlers.server.ts`. The engines underneath move
 * plain JSON under string names (`JobEngine`); the worker parses each payload with its
 * schema before the handler sees it.
 */
export { QUEUES, type QueueName, type JobPayload } from "./registry";

export interface EnqueueOptions {
  /** Run no earlier than this. */
  runAt?: Date;
  /** A second enqueue with the same key is a no-op while the first is pending. */
  dedupeKey?: string;
}

export interface JobQueue {
  enqueue<Q extends QueueName>(queue: Q, payload: JobPayload<Q>, options?: EnqueueOptions): Promise<void>;
  /** Many jobs of one queue in one statement (campaign fan-out); each dedupe key as for `enqueue`. */
  enqueueMany<Q extends QueueName>(
    queue: Q,
    jobs: { payload: JobPayload<Q>; options?: EnqueueOptions }[],
  ): Promise<void>;
}

/**
 * What an engine runs: a JSON payload in, done or thrown. A handler with `batch` takes the
 * jobs of its queue that one fetch claimed all at once (batch dispatch) and returns, per
 * payload, the error that job failed with (retried like a throw) or undefined when done.
 */
export type JobHandler = ((payload: Record<string, unknown>) => Promise<void>) & {
  batch?: (payloads: Record<string, unknown>[]) => Promise<(Error | undefined)[]>;
  /**
   * Batches of this queue one worker process runs side by side, at least (JOB_CONCURRENCY may
   * raise it): the next batch is fetched and started while one waits on its provider calls.
   */
  inFlight?: number;
};

/** A queue that also runs jobs: a worker process starts it with the handlers. */
export interface JobEngine {
  enqueue(queue: string, payload: Record<string, unknown>, options?: EnqueueOptions): Promise<void>;
  enqueueMany(queue: string, jobs: { payload: Record<string, unknown>; options?: EnqueueOptions }[]): Promise<void>;
  start(handlers: Record<string, JobHandler>, workerId: string): Promise<void>;
  stop(): Promise<void>;
}

/** The process's engine as the app sees it: typed enqueue, plus start and stop for the worker. */
export type AppJobEngine = JobQueue & Omit<JobEngine, "enqueue" | "enqueueMany">;
