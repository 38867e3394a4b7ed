import db from "../db.server";
import { resolveDatabaseTarget } from "../config/database-url";
import { listMigrations } from "../db/migrations.server";
import { checkReadiness } from "../health/health.server";

// Readiness for load balancers and rollouts: 503 until the database answers and this
// build's migrations are applied. Liveness is /healthz.
export async function loader() {
  const shipped = listMigrations(resolveDatabaseTarget().provider).map((m) => m.name);
  const report = await checkReadiness(db, shipped);
  return Response.json(report, { status: report.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
