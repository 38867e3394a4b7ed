import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

// A module, not a script: the benchmark and the fault suite start real workers with it.
const WORKER_SCRIPT = fileURLToPath(new URL("./worker.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("..", import.meta.url)); // `--import tsx` resolves from here
const START_TIMEOUT_MS = 120_000;

/** A worker process and a promise of its "worker started" log line. */
export type WorkerProcess = ChildProcess & { ready: Promise<void> };

/**
 * A real worker process (scripts/worker.ts, as `npm run worker` runs it) with `env`. Run with
 * node's tsx loader directly, not the tsx CLI: the CLI is a parent process, and a SIGKILL
 * must reach the worker itself. stdout and stderr are pipes for the caller to read or
 * forward (stderr is drained if nobody does). `ready` rejects if the worker exits or has not
 * started within two minutes (tsx and pg-boss's queues take seconds on a busy machine).
 */
export function spawnWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  // `npm run bench -- --profile`: the worker writes a CPU profile when it stops (bench/profile.ts).
  const profile = env.BENCH_PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", WORKER_SCRIPT], {
    cwd: ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.resume();
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker ${child.pid} did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.includes('"msg":"worker started"')) return;
      clearTimeout(timer);
      resolve();
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${child.pid} exited before it started (${code ?? signal})`));
    });
  });
  ready.catch(() => undefined); // a worker killed before it started is not an error in itself
  return Object.assign(child, { ready });
}

/** SIGTERM, the worker's clean stop (it finishes its jobs); SIGKILL only if it hangs for 30 s. */
export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}

/** SIGKILL: the process dies at whatever instruction it was on. */
export async function killWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

/**
 * `count` workers, resolved once every one has started (a measurement begins with all of
 * them ready); if one fails to start, the others are stopped.
 */
export async function startWorkers(
  count: number,
  env: NodeJS.ProcessEnv,
): Promise<{ stop(): Promise<void>; pids: number[] }> {
  const children = Array.from({ length: count }, () => spawnWorker(env));
  for (const child of children) child.stderr!.pipe(process.stderr);
  const stop = () => Promise.all(children.map(stopWorker)).then(() => undefined);
  try {
    await Promise.all(children.map((c) => c.ready));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop, pids: children.map((c) => c.pid!) };
}
