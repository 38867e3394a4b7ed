import { spawnWorker as spawnWorkerProcess, type WorkerProcess } from "../../../scripts/worker-process";
import { captureOutput } from "./log-capture";

export { killWorker, stopWorker } from "../../../scripts/worker-process";
export type Worker = WorkerProcess;

/**
 * A real worker process on the test database with the job engine production uses there
 * (pg-boss on PostgreSQL: the tests' own JOB_ENGINE override is dropped). A short heartbeat
 * so jobs held by a killed worker come back within the test's time; its output joins the
 * suite's captured logs for the privacy check.
 */
export function spawnWorker(env: Record<string, string> = {}): Worker {
  const { JOB_ENGINE: _tableQueueOfTheTests, ...inherited } = process.env;
  const child = spawnWorkerProcess({
    ...inherited,
    JOB_HEARTBEAT_SECONDS: "10",
    JOB_CONCURRENCY: "6",
    LOG_LEVEL: "info",
    ...env,
  });
  captureOutput(child.stdout, child.stderr);
  return child;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `done` every 200 ms until it is true or `ms` pass; returns whether it became true. */
export async function waitFor(done: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(200);
  }
  return done();
}
