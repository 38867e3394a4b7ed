// The worker process: runs jobs (webhooks, backfills, flow steps, sends, campaigns) on the
// job engine (pg-boss on PostgreSQL, the table queue on SQLite), and keeps two recurring
// jobs queued: handing membership events to the flow engine (every second) and the
// segment time sweep (every minute). Run as many as you like: the engine gives each job to
// one of them, and the recurring jobs are deduplicated. Stops cleanly on SIGINT / SIGTERM.
import { hostname } from "node:os";
import { loadEnvOrExit } from "../app/config/env.server";
import { errorFields, log } from "../app/observability/log.server";

// Configuration is checked before anything connects: the app modules below open the
// database and the job engine as they load, so they are imported only once it is valid.
const env = loadEnvOrExit();
const { default: db } = await import("../app/db.server");
const { jobHandlers } = await import("../app/jobs/handlers.server");
const { queue, selectJobEngine } = await import("../app/jobs/queue-instance.server");
const { QUEUES } = await import("../app/jobs/queue.server");
const { dispatchDeps } = await import("../app/messaging/instance.server");

const deps = dispatchDeps();
const workerId = `${hostname()}:${process.pid}`;
const SWEEP_EVERY_MS = env.SEGMENT_SWEEP_INTERVAL_MS ?? 60_000;
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log.info("worker stopping", { workerId, signal });
    stopping = true;
  });
}

// Anything uncaught (a database connection cut under pg-boss's background work surfaced
// as one in the fault suite) leaves the job engine in an unknown state: jobs it holds would
// keep heartbeating and never be retried. Log it and exit 1; the supervisor restarts the
// worker, and every job's state lives in the database, so nothing is lost or sent twice.
process.on("uncaughtException", (error) => {
  log.error("uncaught exception: worker exits for its supervisor to restart it", { workerId, ...errorFields(error) });
  process.exit(1);
});

await queue.start(jobHandlers(deps), workerId);
log.info("worker started", { workerId, engine: selectJobEngine(), pid: process.pid });
let lastSweep = 0;
while (!stopping) {
  const now = Date.now();
  try {
    await queue.enqueue(QUEUES.consumeMembershipEvents, {}, { dedupeKey: QUEUES.consumeMembershipEvents });
    if (now - lastSweep >= SWEEP_EVERY_MS) {
      await queue.enqueue(QUEUES.sweepSegments, {}, { dedupeKey: QUEUES.sweepSegments });
      lastSweep = now;
    }
  } catch (error) {
    // The database went away for a moment (restart, failover): keep the loop, try next tick.
    log.warn("recurring jobs not queued", { workerId, ...errorFields(error) });
  }
  await new Promise((r) => setTimeout(r, 1000));
}
await queue.stop();
await db.$disconnect();
log.info("worker stopped", { workerId });
