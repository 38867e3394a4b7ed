import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { captureOutput } from "./log-capture";

const root = path.resolve(import.meta.dirname, "../../..");

/**
 * A real worker process (`scripts/worker.ts`) on the test database, with the job engine
 * production uses there (pg-boss on PostgreSQL). Run with node's tsx loader directly, not
 * the tsx CLI: the CLI is a parent process, and SIGKILL must reach the worker itself.
 * Its output joins the suite's captured logs.
 */
export type Worker = ChildProcess & { ready: Promise<void> };

export function spawnWorker(env: Record<string, string> = {}): Worker {
  const { JOB_ENGINE: _tableQueueOfTheTests, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    cwd: root,
    env: { ...inherited, JOB_HEARTBEAT_SECONDS: "10", JOB_CONCURRENCY: "6", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  captureOutput(child.stdout, child.stderr);
  // Ready once it says so: starting (tsx, pg-boss's queues) can take many seconds on a busy machine.
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes('"msg":"worker started"') && resolve());
    child.once("exit", (code, signal) => reject(new Error(`worker exited before it started (${code ?? signal})`)));
  });
  ready.catch(() => undefined); // a worker killed before it started is not an error in itself
  return Object.assign(child, { ready });
}

/** SIGTERM, then wait for the worker to finish its jobs and exit. */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  await exited;
}

/** SIGKILL: the process dies at whatever instruction it was on. */
export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
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
