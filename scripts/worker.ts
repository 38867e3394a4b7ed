// The worker process (app/runtime/worker.server.ts says what it runs). Stops cleanly on
// SIGINT / SIGTERM; exits 1 on anything uncaught, for its supervisor to restart it.
import { loadEnvOrExit } from "../app/config/env.server";
import { errorFields, log } from "../app/observability/log.server";

// Configuration is checked before anything connects: the app modules below open the
// database and the job engine as they load, so they are imported only once it is valid.
const env = loadEnvOrExit();
const { runWorker } = await import("../app/runtime/worker.server");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log.info("worker stopping", { pid: process.pid, signal });
    stopping = true;
  });
}

// Anything uncaught (a database connection cut under pg-boss's background work surfaced
// as one in the fault suite) leaves the job engine in an unknown state: jobs it holds would
// keep heartbeating and never be retried. Log it and exit 1; the supervisor restarts the
// worker, and every job's state lives in the database, so nothing is lost or sent twice.
process.on("uncaughtException", (error) => {
  log.error("uncaught exception: worker exits for its supervisor to restart it", {
    pid: process.pid,
    ...errorFields(error),
  });
  process.exit(1);
});

await runWorker({
  sweepEveryMs: env.SEGMENT_SWEEP_INTERVAL_MS ?? 60_000,
  webhookRetentionDays: env.WEBHOOK_RETENTION_DAYS,
  shouldStop: () => stopping,
});
