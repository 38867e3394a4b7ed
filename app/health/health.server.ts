import type { Db } from "../db.server";

export interface HealthReport {
  status: "ok" | "degraded";
  checks: { database: "ok" | "unreachable" };
  version: string;
}

/** Liveness plus a database round-trip; what load balancers and `npm run demo` poll. */
export async function checkHealth(db: Db): Promise<HealthReport> {
  let database: HealthReport["checks"]["database"] = "ok";
  try {
    await db.$queryRawUnsafe("SELECT 1");
  } catch {
    database = "unreachable";
  }
  return {
    status: database === "ok" ? "ok" : "degraded",
    checks: { database },
    version: process.env.npm_package_version ?? "0.1.0",
  };
}

export interface ReadinessReport {
  ready: boolean;
  checks: { database: "ok" | "unreachable"; migrations: "ok" | "pending" | "unknown" };
  pendingMigrations: string[];
}

/**
 * Readiness: the database answers and every migration this build ships has been applied,
 * so a new version takes traffic only after `npm run db:migrate` ran against its database.
 */
export async function checkReadiness(db: Db, shipped: string[]): Promise<ReadinessReport> {
  try {
    const applied = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
    );
    const done = new Set(applied.map((r) => r.migration_name));
    const pending = shipped.filter((name) => !done.has(name));
    return {
      ready: pending.length === 0,
      checks: { database: "ok", migrations: pending.length ? "pending" : "ok" },
      pendingMigrations: pending,
    };
  } catch {
    return { ready: false, checks: { database: "unreachable", migrations: "unknown" }, pendingMigrations: [] };
  }
}
