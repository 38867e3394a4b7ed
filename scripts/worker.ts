// The worker process: runs jobs (webhooks, backfills, flow steps, sends, campaigns) on the
// job engine (pg-boss on PostgreSQL, the table queue on SQLite), and keeps two recurring
// jobs queued: handing membership events to the flow engine (every second) and the
// segment time sweep (every minute). Run as many as you like: the engine gives each job to
// one of them, and the recurring jobs are deduplicated. Stops cleanly on SIGINT / SIGTERM.
import { hostname } from "node:os";
import db from "../app/db.server";
import { jobHandlers } from "../app/jobs/handlers.server";
import { queue } from "../app/jobs/queue-instance.server";
import { QUEUES } from "../app/jobs/queue.server";
import { dispatchDeps } from "../app/messaging/instance.server";

const deps = dispatchDeps();
const workerId = `${hostname()}:${process.pid}`;
const SWEEP_EVERY_MS = Number(process.env.SEGMENT_SWEEP_INTERVAL_MS ?? 60_000);
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => (stopping = true));

await queue.start(jobHandlers(deps), workerId);
console.log(`worker ${workerId} started`);
let lastSweep = 0;
while (!stopping) {
  const now = Date.now();
  await queue.enqueue(QUEUES.consumeMembershipEvents, {}, { dedupeKey: QUEUES.consumeMembershipEvents });
  if (now - lastSweep >= SWEEP_EVERY_MS) {
    lastSweep = now;
    await queue.enqueue(QUEUES.sweepSegments, {}, { dedupeKey: QUEUES.sweepSegments });
  }
  await new Promise((r) => setTimeout(r, 1000));
}
await queue.stop();
await db.$disconnect();
console.log(`worker ${workerId} stopped`);
