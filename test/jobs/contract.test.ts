import { afterAll, describe, expect, inject, it } from "vitest";
import db from "../../app/db.server";
import { HANDLER_BATCH_SIZE, PgBossJobQueue } from "../../app/jobs/pg-boss-queue.server";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import type { JobEngine, JobHandler } from "../../app/jobs/queue.server";

const provider = inject("databaseProvider");
const started: JobEngine[] = [];
afterAll(async () => {
  await Promise.all(started.map((e) => e.stop()));
});

// The same contract for both engines: the table queue (SQLite default; also runs on
// PostgreSQL) and pg-boss (PostgreSQL only).
const engines: [string, () => JobEngine][] = [["table queue", () => new TableJobQueue(db)]];
if (provider === "postgresql") {
  const schema = `pgboss_test_${process.pid}`;
  engines.push(["pg-boss", () => new PgBossJobQueue(process.env.DATABASE_URL!, { schema, pollSeconds: 0.5 })]);
}

let n = 0;
const queueName = () => `contract.${process.pid}.${++n}`;

async function until(check: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting for jobs");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function worker(make: () => JobEngine, handlers: Record<string, JobHandler>, id = "w1") {
  const engine = make();
  started.push(engine);
  await engine.start(handlers, id);
  return engine;
}

describe.each(engines)("job engine contract: %s", (_name, make) => {
  it("runs an enqueued job with its payload", async () => {
    const q = queueName();
    const seen: unknown[] = [];
    const engine = await worker(make, { [q]: async (p) => void seen.push(p) });
    await engine.enqueue(q, { hello: "world", n: 1 });
    await until(() => seen.length === 1);
    expect(seen).toEqual([{ hello: "world", n: 1 }]);
  });

  it("a delayed job does not run before its time", async () => {
    const q = queueName();
    const ranAt: number[] = [];
    const engine = await worker(make, { [q]: async () => void ranAt.push(Date.now()) });
    const runAt = new Date(Date.now() + 1500);
    await engine.enqueue(q, {}, { runAt });
    await until(() => ranAt.length === 1);
    expect(ranAt[0]).toBeGreaterThanOrEqual(runAt.getTime() - 50);
  });

  it("a dedupe key makes a repeated enqueue a no-op while the first is pending", async () => {
    const q = queueName();
    const seen: number[] = [];
    const engine = make();
    started.push(engine);
    for (let i = 0; i < 3; i++)
      await engine.enqueue(q, { i }, { dedupeKey: "same", runAt: new Date(Date.now() + 500) });
    await engine.enqueue(q, { i: 9 }, { dedupeKey: "other", runAt: new Date(Date.now() + 500) });
    await engine.start({ [q]: async (p) => void seen.push(Number(p.i)) }, "w1");
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.sort()).toEqual([0, 9]);
  });

  it("a job that throws is retried until it succeeds", async () => {
    const q = queueName();
    let attempts = 0;
    let done = false;
    const engine = await worker(make, {
      [q]: async () => {
        if (++attempts < 2) throw new Error("transient");
        done = true;
      },
    });
    await engine.enqueue(q, {});
    await until(() => done, 30_000);
    expect(attempts).toBe(2);
  }, 40_000);

  it("two workers share a queue and run every job exactly once", async () => {
    const q = queueName();
    const runs = new Map<number, string[]>();
    const handler =
      (id: string): JobHandler =>
      async (p) => {
        const k = Number(p.k);
        runs.set(k, [...(runs.get(k) ?? []), id]);
        await new Promise((r) => setTimeout(r, 5));
      };
    const a = await worker(make, { [q]: handler("a") }, "a");
    await worker(make, { [q]: handler("b") }, "b");
    for (let k = 0; k < 30; k++) await a.enqueue(q, { k });
    await until(() => runs.size === 30);
    await new Promise((r) => setTimeout(r, 500));
    expect([...runs.values()].every((by) => by.length === 1)).toBe(true);
  });

  it("enqueueMany queues many jobs at once and honours dedupe keys already pending", async () => {
    const q = queueName();
    const seen: number[] = [];
    const engine = make();
    started.push(engine);
    const runAt = new Date(Date.now() + 500);
    await engine.enqueue(q, { i: 0 }, { dedupeKey: "k0", runAt });
    await engine.enqueueMany(
      q,
      [0, 1, 2, 3].map((i) => ({ payload: { i }, options: { dedupeKey: `k${i}`, runAt } })),
    );
    await engine.start({ [q]: async (p) => void seen.push(Number(p.i)) }, "w1");
    await until(() => seen.length >= 4);
    await new Promise((r) => setTimeout(r, 1000));
    expect(seen.sort()).toEqual([0, 1, 2, 3]);
  });

  it("a batch handler gets the jobs of a fetch together; only the jobs it reports failed are retried", async () => {
    const q = queueName();
    const batches: number[][] = [];
    let failedOnce = false;
    const handler: JobHandler = async () => {
      throw new Error("the batch handler runs these jobs");
    };
    handler.batch = async (payloads) => {
      const ks = payloads.map((p) => Number(p.k));
      batches.push(ks);
      return ks.map((k) => (k === 3 && !failedOnce ? ((failedOnce = true), new Error("transient")) : undefined));
    };
    const engine = make();
    started.push(engine);
    await engine.enqueueMany(
      q,
      Array.from({ length: 8 }, (_, k) => ({ payload: { k } })),
    );
    await engine.start({ [q]: handler }, "w1");
    await until(() => batches.flat().length === 9, 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(batches[0]!.length).toBeGreaterThan(1);
    expect(batches.flat().sort()).toEqual([0, 1, 2, 3, 3, 4, 5, 6, 7]);
  }, 40_000);
});

describe.runIf(provider === "postgresql")("pg-boss: batches in flight", () => {
  it("a batch handler with inFlight 2 gets the next batch while the first still runs", async () => {
    // GIVEN two fetches' worth of jobs, and a batch handler that holds its batch until a second one is running
    const q = queueName();
    const engine = engines.find(([name]) => name === "pg-boss")![1]();
    started.push(engine);
    await engine.enqueueMany(
      q,
      Array.from({ length: 2 * HANDLER_BATCH_SIZE }, (_, k) => ({ payload: { k } })),
    );
    let running = 0;
    let mostAtOnce = 0;
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const handler: JobHandler = async () => undefined;
    handler.inFlight = 2;
    handler.batch = async (payloads) => {
      mostAtOnce = Math.max(mostAtOnce, ++running);
      await released;
      running--;
      return payloads.map(() => undefined);
    };

    // WHEN one worker process runs the queue
    await engine.start({ [q]: handler }, "w1");

    // THEN a second batch starts while the first is held (with one in flight, none would)
    try {
      await until(() => mostAtOnce === 2);
    } finally {
      release();
    }
    expect(mostAtOnce).toBe(2);
  }, 40_000);
});
