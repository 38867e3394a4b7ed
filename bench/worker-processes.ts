import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const WORKER_SCRIPT = fileURLToPath(new URL("../scripts/worker.ts", import.meta.url));

/**
 * `count` real worker processes (scripts/worker.ts, as `npm run worker` runs it), started
 * with this process's loader (tsx) and `env`. Resolves once every one has started its job
 * engine (its "worker started" log line), so a measurement can begin with all of them ready.
 */
export async function startWorkers(count: number, env: NodeJS.ProcessEnv): Promise<{ stop(): Promise<void> }> {
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, [...process.execArgv, WORKER_SCRIPT], { env, stdio: ["ignore", "pipe", "inherit"] }),
  );
  const stop = () => Promise.all(children.map(stopWorker)).then(() => undefined);
  try {
    await Promise.all(children.map(started));
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

function started(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${child.pid} did not start within 60 s`)), 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line.includes(`"msg":"worker started"`)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on("exit", (code) => reject(new Error(`worker ${child.pid} exited with ${code} before starting`)));
  });
}

/** SIGTERM is the worker's clean stop (it finishes its job); SIGKILL only if it hangs. */
async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  await exited;
  clearTimeout(timer);
}
