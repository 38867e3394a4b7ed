import { randomUUID } from "node:crypto";
import { PgBoss } from "pg-boss";
import type { EnqueueOptions, JobEngine, JobHandler } from "./queue.server";

/**
 * The production job engine on PostgreSQL: pg-boss (why pg-boss: docs/ARCHITECTURE.md).
 * Jobs are claimed with SKIP LOCKED, so any number of worker processes share the queues;
 * delays use startAfter, retries pg-boss's exponential backoff, and a crashed worker's job
 * is retried when it expires. Dedupe keys map to singletonKey on "short" queues (at most
 * one queued job per key); jobs without a key get a unique one.
 */
export class PgBossJobQueue implements JobEngine {
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;
  private readonly queues = new Map<string, Promise<void>>();

  constructor(connectionString: string, private readonly options: { schema?: string; pollSeconds?: number } = {}) {
    this.boss = new PgBoss({ connectionString, schema: options.schema ?? "pgboss", max: 4 });
    this.boss.on("error", (error) => console.error(`pg-boss: ${error.message}`));
  }

  /** Starts pg-boss (creating or migrating its schema), once per process. */
  private ready(): Promise<void> {
    return (this.started ??= this.boss.start().then(() => undefined));
  }

  /** Creates a queue on first use (in any process; a concurrent creation is fine). */
  private queue(name: string): Promise<void> {
    let created = this.queues.get(name);
    if (!created) {
      created = (async () => {
        await this.ready();
        if (await this.boss.getQueue(name)) return;
        await this.boss.createQueue(name, { policy: "short", retryLimit: 8, retryDelay: 2, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 300 }).catch(async (error: Error) => {
          if (!(await this.boss.getQueue(name))) throw error; // not a lost race with another process
        });
      })();
      this.queues.set(name, created);
    }
    return created;
  }

  async enqueue(queue: string, payload: Record<string, unknown>, options: EnqueueOptions = {}): Promise<void> {
    await this.queue(queue);
    await this.boss.send(queue, payload, { startAfter: options.runAt, singletonKey: options.dedupeKey ?? randomUUID() });
  }

  async start(handlers: Record<string, JobHandler>): Promise<void> {
    for (const [name, handler] of Object.entries(handlers)) {
      await this.queue(name);
      await this.boss.work(name, { batchSize: 1, pollingIntervalSeconds: this.options.pollSeconds ?? 0.5 }, async (jobs) => {
        for (const job of jobs) await handler(job.data as Record<string, unknown>);
      });
    }
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, timeout: 10_000 });
  }
}
