import db from "../db.server";
import { resolveDatabaseTarget } from "../config/database-url";
import { PgBossJobQueue } from "../jobs/pg-boss-queue.server";
import type { AppJobEngine, JobEngine } from "../jobs/queue.server";
import { TableJobQueue } from "../jobs/table-queue.server";

/**
 * Which engine runs jobs: pg-boss on PostgreSQL (production), the table queue on SQLite
 * (embedded default). JOB_ENGINE=table|pg-boss overrides it (the tests drive the table
 * queue on both databases, with a fake clock).
 */
export function selectJobEngine(env: Record<string, string | undefined> = process.env): "table" | "pg-boss" {
  const chosen = env.JOB_ENGINE;
  if (chosen === "table" || chosen === "pg-boss") return chosen;
  if (chosen) throw new Error(`JOB_ENGINE must be "table" or "pg-boss", got "${chosen}"`);
  return resolveDatabaseTarget(env.DATABASE_URL).provider === "postgresql" ? "pg-boss" : "table";
}

function createEngine(): JobEngine {
  if (selectJobEngine() === "pg-boss") {
    const target = resolveDatabaseTarget();
    if (target.provider !== "postgresql") throw new Error("JOB_ENGINE=pg-boss needs a PostgreSQL DATABASE_URL");
    return new PgBossJobQueue(target.url, {
      heartbeatSeconds: Number(process.env.JOB_HEARTBEAT_SECONDS) || undefined,
      concurrency: Number(process.env.JOB_CONCURRENCY) || undefined,
    });
  }
  return new TableJobQueue(db);
}

/** The process's job engine: producers enqueue through it; the worker starts it. */
export const queue: AppJobEngine = createEngine();
