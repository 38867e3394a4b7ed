// The worker process: runs queued jobs (webhooks, backfills, flow steps, sends), hands
// segment membership events to the flow engine, and runs the periodic segment sweep. Embedded default:
// the table-backed queue on the app's database. Stops cleanly on SIGINT / SIGTERM.
import { hostname } from "node:os";
import db from "../app/db.server";
import { systemClock } from "../app/clock";
import { jobHandlers, sweepAllShops } from "../app/jobs/handlers.server";
import { queue } from "../app/jobs/queue-instance.server";
import { appUrl, pacer, providers } from "../app/messaging/instance.server";
import { consumeMembershipEvents } from "../app/flows/engine.server";

const deps = { db, clock: systemClock, queue, providers, pacer, appUrl: appUrl() };
const handlers = jobHandlers(deps);
const workerId = `${hostname()}:${process.pid}`;
const SWEEP_EVERY_MS = Number(process.env.SEGMENT_SWEEP_INTERVAL_MS ?? 60_000);
let stopping = false;
let lastSweep = 0;

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => (stopping = true));
console.log(`worker ${workerId} started`);
while (!stopping) {
  const ran = (await queue.runDue(handlers, workerId)) + (await consumeMembershipEvents(deps));
  if (Date.now() - lastSweep >= SWEEP_EVERY_MS) {
    lastSweep = Date.now();
    await sweepAllShops(db, systemClock);
  }
  if (!ran) await new Promise((r) => setTimeout(r, 250));
}
await db.$disconnect();
console.log(`worker ${workerId} stopped`);
