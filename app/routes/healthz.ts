import { json } from "@remix-run/node";
import db from "../db.server";
import { checkHealth } from "../health/health.server";

export async function loader() {
  const report = await checkHealth(db);
  return json(report, { status: report.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
