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
