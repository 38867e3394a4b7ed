import type { Db } from "../db.server";
import { systemClock } from "../clock";
import { setFlowEnabled } from "../flows/manage.server";
import type { JobQueue } from "../jobs/queue.server";
import { startSync } from "../sync/run.server";
import { syncReport, type SyncReport } from "../sync/report.server";
import { shopId } from "./reports.server";
import { table } from "./table";

export class UnknownFlow extends Error {
  constructor(key: string) {
    super(`no flow ${key} in this shop (see the flows command)`);
  }
}

/** `flows enable|disable <key>`: the same switch as the admin's (runs in progress stop on their next step when off). */
export async function switchFlow({
  db,
  domain,
  key,
  enabled,
}: {
  db: Db;
  domain: string;
  key: string;
  enabled: boolean;
}): Promise<string> {
  const id = await shopId(db, domain);
  const flow = await db.flow.findUnique({ where: { shopId_key: { shopId: id, key } }, select: { id: true } });
  if (!flow) throw new UnknownFlow(key);
  await setFlowEnabled({ db, shopId: id, flowId: flow.id, enabled });
  return `${domain}: flow ${key} is ${enabled ? "on" : "off"}`;
}

/** `sync start`: queues the sync for the worker (which holds the Admin API access). */
export async function startSyncFromCli(
  db: Db,
  o: { domain: string; queue: JobQueue; orderWindowDays?: number },
): Promise<string> {
  const { domain, queue, orderWindowDays } = o;
  const id = await shopId(db, domain);
  const { id: runId, created } = await startSync({ db, queue, clock: systemClock }, id, {
    reason: "cli",
    orderWindowDays,
  });
  return created
    ? `${domain}: sync ${runId} queued; follow it with: npm run cli -- sync status --shop ${domain}`
    : `${domain}: sync ${runId} is already running`;
}

export async function syncStatus(db: Db, domain: string): Promise<SyncReport | null> {
  return syncReport(db, await shopId(db, domain), systemClock.now());
}

export function syncStatusText(report: SyncReport | null): string {
  if (!report) return "never synced (start one with: sync start)";
  const left = report.secondsLeft === null ? "estimating" : `about ${Math.ceil(report.secondsLeft / 60)} min left`;
  return [
    `sync ${report.id} (${report.reason}): ${report.status.toLowerCase()}, ${Math.round(report.fraction * 100)}%` +
      (report.status === "RUNNING" || report.status === "SEGMENTS" ? `, ${left}` : "") +
      (report.error ? `  error: ${report.error}` : ""),
    table(
      ["resource", "state", "written", "of", "skipped"],
      report.resources.map((r) => [
        r.label,
        r.state,
        String(r.applied),
        r.total === null ? "" : String(r.total),
        String(r.skipped),
      ]),
    ),
    `segments computed: ${report.segments.done}/${report.segments.total}`,
  ].join("\n");
}
