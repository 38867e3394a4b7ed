import type { Db } from "../db.server";
import { asProgress, latestSync } from "./run.server";
import { RESOURCE_LABELS, SYNC_RESOURCES, type SyncResource } from "./resources";

export interface SyncReport {
  id: string;
  status: "RUNNING" | "SEGMENTS" | "COMPLETED" | "FAILED";
  reason: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
  /** Whole-sync share done, 0..1 (resources by their root objects, then the segment pass). */
  fraction: number;
  /** Seconds left at the rate so far; null until there is a rate to go by. */
  secondsLeft: number | null;
  resources: {
    key: SyncResource;
    label: string;
    state: "waiting" | "querying" | "writing" | "done";
    applied: number;
    total: number | null;
    skipped: number;
  }[];
  segments: { done: number; total: number };
}

/** The shop's latest sync as the admin and the CLI show it; null if the shop never synced. */
export async function syncReport(db: Db, shopId: string, now: Date): Promise<SyncReport | null> {
  const run = await latestSync(db, shopId);
  if (!run) return null;
  const progress = asProgress(run.progress);
  const current = SYNC_RESOURCES.indexOf((run.resource as SyncResource | null) ?? SYNC_RESOURCES[0]);
  const resources = SYNC_RESOURCES.map((key, i) => {
    const p = progress[key];
    const state: SyncReport["resources"][number]["state"] = p?.finishedAt
      ? "done"
      : run.status === "RUNNING" && i === current
        ? run.resultUrl
          ? "writing"
          : "querying"
        : "waiting";
    return {
      key,
      label: RESOURCE_LABELS[key],
      state,
      applied: p?.applied ?? 0,
      total: p?.roots ?? null,
      skipped: p?.skipped ?? 0,
    };
  });
  const segmentRows = run.segmentsStartedAt
    ? await db.segment.findMany({
        where: { shopId, backfillStartedAt: run.segmentsStartedAt },
        select: { backfillCompletedAt: true },
      })
    : [];
  const segments = { done: segmentRows.filter((s) => s.backfillCompletedAt).length, total: segmentRows.length };
  // Each resource and the segment pass weigh the same: simple, and honest about what is known.
  const parts = resources.map((r) =>
    r.state === "done" ? 1 : r.state === "writing" && r.total ? Math.min(0.99, r.applied / r.total) : 0,
  );
  parts.push(run.status === "COMPLETED" ? 1 : segments.total ? segments.done / segments.total : 0);
  const fraction = run.status === "COMPLETED" ? 1 : parts.reduce((a, b) => a + b, 0) / parts.length;
  const elapsed = ((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) / 1000;
  const secondsLeft =
    run.status === "COMPLETED" || run.status === "FAILED"
      ? 0
      : fraction > 0.05
        ? Math.round((elapsed / fraction) * (1 - fraction))
        : null;
  return {
    id: run.id,
    status: run.status,
    reason: run.reason,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    fraction,
    secondsLeft,
    resources,
    segments,
  };
}
