import type { Db } from "../db.server";
import { duplicateAsNull, isUniqueViolation } from "../db/unique-violation";
import { errorFields, log, withLogContext } from "../observability/log.server";
import type { EnqueueOptions, JobEngine, JobHandler } from "./queue.server";

/**
 * A durable queue on the app's own `Job` table: jobs survive restarts, are claimed with a
 * lease (a crashed worker's job is picked up again after LEASE_MS), and retried with backoff.
 */
const LEASE_MS = 60_000;
const MAX_ATTEMPTS = 8;
/** A job out of attempts is parked here (kept for inspection, never due). */
const PARKED = new Date("9999-12-31T00:00:00Z");

export class TableJobQueue implements JobEngine {
  private polling: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async enqueue(queue: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
    const data = {
      queue,
      payload: payload as object,
      runAt: options.runAt ?? this.now(),
      dedupeKey: options.dedupeKey,
    };
    // A plain INSERT rather than an upsert: on SQLite an upsert is a read that upgrades to a
    // write, which fails at once (SQLITE_BUSY_SNAPSHOT) when another process wrote between.
    // Only a dedupe key can collide: that job is already queued.
    await this.db.job.create({ data }).catch(duplicateAsNull);
  }

  async enqueueMany(
    queue: string,
    jobs: { payload: Record<string, unknown>; options?: EnqueueOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    const now = this.now();
    const data = jobs.map(({ payload, options = {} }) => ({
      queue,
      payload: payload as object,
      runAt: options.runAt ?? now,
      dedupeKey: options.dedupeKey,
    }));
    // One INSERT; if a dedupe key is already queued the statement fails whole, and the jobs go
    // one by one (each duplicate skipped), as `enqueue` would.
    await this.db.job.createMany({ data }).catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      for (const job of jobs) await this.enqueue(queue, job.payload, job.options);
    });
  }

  /** Polls for due jobs until stopped (the embedded worker). */
  async start(handlers: Record<string, JobHandler>, workerId: string, pollMs = 250): Promise<void> {
    this.stopping = false;
    this.polling ??= (async () => {
      while (!this.stopping) {
        const ran = await this.runDue({ handlers, workerId });
        if (!ran) await new Promise((r) => setTimeout(r, pollMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.polling;
    this.polling = null;
  }

  /** Claims and runs up to `limit` jobs due at `now`; returns how many ran. */
  async runDue({
    handlers,
    workerId,
    limit = 50,
    now = this.now(),
  }: {
    handlers: Record<string, JobHandler>;
    workerId: string;
    limit?: number;
    now?: Date;
  }): Promise<number> {
    const due = await this.db.job.findMany({
      where: {
        queue: { in: Object.keys(handlers) },
        runAt: { lte: now },
        OR: [{ lockedAt: null }, { lockedAt: { lt: new Date(now.getTime() - LEASE_MS) } }],
      },
      orderBy: { runAt: "asc" },
      take: limit,
    });
    let ran = 0;
    // Jobs of a queue whose handler takes a batch (`JobHandler.batch`) are claimed here and run
    // together after the others of this pass.
    const batches = new Map<string, typeof due>();
    for (const job of due) {
      // Claim: only one worker wins the conditional update.
      const claimed = await this.db.job.updateMany({
        where: { id: job.id, lockedAt: job.lockedAt },
        data: { lockedAt: now, lockedBy: workerId, attempts: { increment: 1 } },
      });
      if (claimed.count === 0) continue;
      ran++;
      const handler = handlers[job.queue]!;
      if (handler.batch) {
        batches.set(job.queue, [...(batches.get(job.queue) ?? []), job]);
        continue;
      }
      try {
        await withLogContext({ queue: job.queue, jobId: job.id }, () =>
          handler(job.payload as Record<string, unknown>),
        );
        await this.db.job.delete({ where: { id: job.id } });
      } catch (error) {
        await this.failed(job, error, now);
      }
    }
    for (const [queue, jobs] of batches) {
      const batch = handlers[queue]!.batch!;
      let errors: (Error | undefined)[];
      try {
        errors = await withLogContext({ queue, jobId: jobs[0]!.id }, () =>
          batch(jobs.map((job) => job.payload as Record<string, unknown>)),
        );
      } catch (error) {
        errors = jobs.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
      await this.db.job.deleteMany({ where: { id: { in: jobs.filter((_, k) => !errors[k]).map((j) => j.id) } } });
      for (const [k, job] of jobs.entries()) if (errors[k]) await this.failed(job, errors[k], now);
    }
    return ran;
  }

  /** A job that threw: retried with backoff, or parked once out of attempts. */
  private async failed(job: { id: string; queue: string; attempts: number }, error: unknown, now: Date) {
    const attempts = job.attempts + 1;
    const message = error instanceof Error ? error.message : String(error);
    log.warn("job failed", {
      queue: job.queue,
      jobId: job.id,
      attempt: attempts,
      willRetry: attempts < MAX_ATTEMPTS,
      ...errorFields(error),
    });
    if (attempts >= MAX_ATTEMPTS) {
      await this.db.job.update({
        where: { id: job.id },
        data: { lastError: message, runAt: PARKED, lockedAt: null },
      });
    } else {
      const backoff = Math.min(2 ** attempts * 1000, 15 * 60_000);
      await this.db.job.update({
        where: { id: job.id },
        data: { lastError: message, lockedAt: null, runAt: new Date(now.getTime() + backoff) },
      });
    }
  }
}
