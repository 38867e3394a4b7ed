import { randomUUID } from "node:crypto";
import { PgBoss } from "pg-boss";
import { errorFields, log, withLogContext } from "../observability/log.server";
import type { EnqueueOptions, JobEngine, JobHandler } from "./queue.server";

/**
 * The production job engine on PostgreSQL: pg-boss (why pg-boss: docs/ARCHITECTURE.md).
 * Jobs are claimed with SKIP LOCKED, so any number of worker processes share the queues;
 * delays use startAfter, retries pg-boss's exponential backoff, and a crashed worker's job
 * is retried when it expires. Dedupe keys map to singletonKey on "short" queues (at most
 * one queued job per key); jobs without a key get a unique one.
 */
/** Jobs a worker takes per fetch (each run and settled on its own). */
const BATCH_SIZE = 10;
/** Jobs per fetch for a queue whose handler takes them all at once (`JobHandler.batch`). */
export const HANDLER_BATCH_SIZE = 50;

export class PgBossJobQueue implements JobEngine {
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;
  private readonly queues = new Map<string, Promise<void>>();
  private readonly heartbeatSeconds: number;

  constructor(
    connectionString: string,
    private readonly options: {
      schema?: string;
      pollSeconds?: number;
      heartbeatSeconds?: number;
      concurrency?: number;
    } = {},
  ) {
    // A running job heartbeats; one whose worker died (SIGKILL, lost host) is retried once
    // its heartbeat is this old, checked by pg-boss's monitor at the same interval. Without
    // it a dead worker's job would wait for the 5-minute expiry.
    const heartbeatSeconds = (this.heartbeatSeconds = Math.max(10, options.heartbeatSeconds ?? 30));
    this.boss = new PgBoss({
      connectionString,
      schema: options.schema ?? "pgboss",
      max: 4 + (options.concurrency ?? 1),
      monitorIntervalSeconds: Math.min(60, heartbeatSeconds),
    });
    // pg-boss reports its own trouble (a lost connection, a failed maintenance run) here.
    this.boss.on("error", (error) => log.error("job engine error", { engine: "pg-boss", ...errorFields(error) }));
  }

  /** Starts pg-boss (creating or migrating its schema), once per process. */
  private ready(): Promise<void> {
    // A failed start (the database away for a moment) is not remembered: the next call tries again.
    return (this.started ??= this.boss.start().then(
      () => undefined,
      (error: unknown) => {
        this.started = null;
        throw error;
      },
    ));
  }

  /** Creates a queue on first use (in any process; a concurrent creation is fine). */
  private queue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = (async () => {
        await this.ready();
        if (await this.boss.getQueue(name)) return;
        await this.boss
          .createQueue(name, {
            policy: "short",
            retryLimit: 8,
            retryDelay: 2,
            retryBackoff: true,
            retryDelayMax: 900,
            expireInSeconds: 300,
            heartbeatSeconds: this.heartbeatSeconds,
          })
          .catch(async (error: Error) => {
            if (!(await this.boss.getQueue(name))) throw error; // not a lost race with another process
          });
      })();
      created.catch(() => this.queues.delete(name)); // tried again on next use

      this.queues.set(name, created);
    }
    return created;
  }

  async enqueue(queue: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
    await this.queue(queue);
    await this.boss.send(queue, payload, {
      startAfter: options.runAt,
      singletonKey: options.dedupeKey ?? randomUUID(),
    });
  }

  async enqueueMany(
    queue: string,
    jobs: { payload: Record<string, unknown>; options?: EnqueueOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.queue(queue);
    // One INSERT … ON CONFLICT DO NOTHING: a key already pending is skipped, as with send.
    await this.boss.insert(
      queue,
      jobs.map(({ payload, options = {} }) => ({
        data: payload,
        startAfter: options.runAt,
        singletonKey: options.dedupeKey ?? randomUUID(),
      })),
    );
  }

  async start(handlers: Record<string, JobHandler>): Promise<void> {
    for (const [name, handler] of Object.entries(handlers)) {
      await this.queue(name);
      // Each job is one short transaction-sized piece of work that mostly waits on the
      // database or the provider, so a process can run several at once, as several workers would.
      // Jobs are fetched in batches and, while a fetch comes back full, fetched again at once:
      // fetching one job per poll capped a worker at two jobs a second (measured by the bench).
      const work = {
        batchSize: handler.batch ? HANDLER_BATCH_SIZE : BATCH_SIZE,
        burstWhenBatchFull: true,
        localConcurrency: Math.max(this.options.concurrency ?? 1, handler.inFlight ?? 1),
        includeMetadata: true as const,
        pollingIntervalSeconds: this.options.pollSeconds ?? 0.5,
      };
      await this.boss.work(name, work, async (jobs) => {
        if (handler.batch) {
          const batch = handler.batch;
          const errors = await withLogContext({ queue: name, jobId: jobs[0]?.id }, () =>
            batch(jobs.map((job) => job.data as Record<string, unknown>)),
          );
          for (const [k, job] of jobs.entries()) {
            const error = errors[k];
            if (error) await this.failJob(name, job, error);
          }
          return;
        }
        for (const job of jobs) {
          try {
            await withLogContext({ queue: name, jobId: job.id }, () => handler(job.data as Record<string, unknown>));
          } catch (error) {
            await this.failJob(name, job, error);
          }
        }
      });
    }
  }

  private async failJob(name: string, job: { id: string; retryCount: number; retryLimit: number }, error: unknown) {
    // pg-boss retries it (or gives up after retryLimit); the log says which job and how often.
    log.warn("job failed", {
      queue: name,
      jobId: job.id,
      attempt: job.retryCount + 1,
      willRetry: job.retryCount < job.retryLimit,
      ...errorFields(error),
    });
    // Only this job fails: the rest of the batch completes when the callback returns
    // (pg-boss completes only jobs still active, and a failed one no longer is).
    await this.boss.fail(name, job.id, { message: error instanceof Error ? error.message : String(error) });
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
