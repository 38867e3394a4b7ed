import { randomUUID } from "node:crypto";
import type { Db } from "../db.server";
import type { Clock } from "../clock";
import { DAY, MINUTE, SECOND } from "../clock";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { NoAdminAccess, type AdminGraphql } from "../shopify-admin/graphql.server";
import { log } from "../observability/log.server";
import { RELAXED_COMMIT } from "../db/driver.server";
import { isPostgres } from "../db/update-rows.server";
import { analyzeWrittenTables, applyBatch } from "./apply.server";
import { refreshShopOrderStats } from "../commerce/customers.server";
import { bulkOperationStatus, FINISHED, startBulkQuery } from "./bulk.server";
import { JsonlGrouper, jsonlLines } from "./jsonl";
import { bulkQuery, SYNC_RESOURCES, type SyncResource } from "./resources";
import { computeSegmentsStep } from "./segments.server";
import { releaseHeldWebhooks, replayHeldWebhooks, type ReplayWebhook } from "./held-webhooks.server";

export interface SyncDeps {
  db: Db;
  queue: JobQueue;
  clock: Clock;
  admin?: AdminGraphql;
  /** Applies a webhook held during the sync (the worker's processWebhook, past the hold). */
  replayWebhook?: ReplayWebhook;
}

export interface SyncOptions {
  /** Root objects written per committed batch: a crash repeats at most one batch. */
  batchSize?: number;
  /** Wall-clock time one step may spend writing before it hands over to the next job. */
  budgetMs?: number;
  /** How long to wait between status checks while Shopify runs the query (the webhook is faster). */
  pollMs?: number;
  /** Fault injection for tests: called after a batch is written, before its progress is saved. */
  afterBatch?: (run: { id: string; resource: SyncResource; linesApplied: number }) => void | Promise<void>;
}

export const DEFAULT_ORDER_WINDOW_DAYS = 730;
const LEASE_MS = 2 * MINUTE;
/** Before a held webhook that failed its replay is tried again (held-webhooks). */
const HELD_RETRY_PAUSE = 10 * SECOND;

export interface ResourceProgress {
  objects?: number; // Shopify's objectCount once the query finished
  roots?: number; // rootObjectCount
  applied: number; // root objects written
  skipped: number; // lines that failed their schema, or children without a parent
  /** The result file's byte offset past line `line` (linesApplied), where the next step reads on. */
  resumeAt?: { line: number; byte: number };
  startedAt?: string;
  finishedAt?: string;
}
export type SyncProgress = Partial<Record<SyncResource, ResourceProgress>>;

export class SyncAlreadyRunning extends Error {}

/**
 * Starts a shop's sync unless one is already running (one at a time per shop: Shopify runs
 * one of our bulk queries at a time, and two syncs would race each other's progress).
 */
export async function startSync(
  deps: SyncDeps,
  shopId: string,
  o: { reason: "install" | "settings" | "cli"; orderWindowDays?: number },
): Promise<{ id: string; created: boolean }> {
  const { db, clock } = deps;
  const active = await activeSync(db, shopId);
  if (active) return { id: active.id, created: false };
  const now = clock.now();
  const run = await db.syncRun.create({
    data: {
      shopId,
      reason: o.reason,
      ordersSince: new Date(now.getTime() - (o.orderWindowDays ?? DEFAULT_ORDER_WINDOW_DAYS) * DAY),
      startedAt: now,
      progress: {},
    },
  });
  await enqueueStep({ queue: deps.queue, runId: run.id, runAt: now });
  log.info("sync started", { shopId, syncRunId: run.id, reason: o.reason });
  return { id: run.id, created: true };
}

export const activeSync = (db: Db, shopId: string) =>
  db.syncRun.findFirst({ where: { shopId, status: { in: ["RUNNING", "SEGMENTS"] } }, orderBy: { startedAt: "desc" } });

export const latestSync = (db: Db, shopId: string) =>
  db.syncRun.findFirst({ where: { shopId }, orderBy: { startedAt: "desc" } });

/**
 * Queues a step. A successor gets a key of its own (the running step's key is still taken
 * while it queues the next; the lease keeps steps of one run from overlapping); a finish
 * webhook's step is keyed by the operation, so a redelivery queues nothing more.
 */
export function enqueueStep({
  queue,
  runId,
  runAt,
  tag = randomUUID(),
}: {
  queue: JobQueue;
  runId: string;
  runAt: Date;
  tag?: string;
}): Promise<void> {
  return queue.enqueue(QUEUES.syncStep, { runId }, { runAt, dedupeKey: `sync:${runId}:${tag}` });
}

/**
 * bulk_operations/finish: the sync waiting on this operation takes its next step now rather
 * than at its next status check. (Another app's operation, or an old one, matches no run.)
 */
export async function bulkOperationFinished(deps: SyncDeps, shopId: string, operationId: string): Promise<void> {
  const run = await deps.db.syncRun.findFirst({
    where: { shopId, bulkOperationId: operationId, status: "RUNNING" },
    select: { id: true },
  });
  if (run)
    await enqueueStep({ queue: deps.queue, runId: run.id, runAt: deps.clock.now(), tag: `finish:${operationId}` });
}

/**
 * One step of a sync (a job): take the run's lease, do a bounded piece of work from where the
 * row says, save where it got to, queue the next step. Safe to run twice or after a crash:
 * every write is an idempotent upsert and progress is saved only after its batch is written.
 */
export async function syncStep(deps: SyncDeps, runId: string, options: SyncOptions = {}): Promise<void> {
  const { db, clock } = deps;
  const now = clock.now();
  const claimed = await db.syncRun.updateMany({
    where: {
      id: runId,
      status: { in: ["RUNNING", "SEGMENTS"] },
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    },
    data: { leaseUntil: new Date(now.getTime() + LEASE_MS) },
  });
  if (!claimed.count) return; // finished, or another step holds it (and queues its own successor)
  let next: Date | null = null;
  try {
    next = await advance(deps, runId, options);
  } catch (error) {
    // Without the shop's token (never installed, or the offline demo) retrying cannot help.
    if (!(error instanceof NoAdminAccess)) throw error;
    next = await fail({ db, runId, now, error: "no Admin API access for this shop (no offline session)" });
  } finally {
    await db.syncRun.update({ where: { id: runId }, data: { leaseUntil: null } });
  }
  if (next) await enqueueStep({ queue: deps.queue, runId, runAt: next });
}

async function advance(deps: SyncDeps, runId: string, options: SyncOptions): Promise<Date | null> {
  const { db, clock } = deps;
  const run = await db.syncRun.findUniqueOrThrow({ where: { id: runId }, include: { shop: true } });
  const now = clock.now();
  const pollMs = options.pollMs ?? 5 * SECOND;
  if (run.status === "SEGMENTS") {
    const budgetMs = options.budgetMs ?? 20 * SECOND;
    const deadline = Date.now() + budgetMs;
    if (!(await computeSegmentsStep({ db, run, now, budgetMs }))) return now;
    // Then the webhooks that came during the sync, in order, on top of the snapshot.
    const { replayWebhook } = deps;
    if (replayWebhook) {
      const replay = await replayHeldWebhooks({ ...deps, replayWebhook }, run.shop.domain, deadline);
      // A failed one is tried again after a pause (a transient failure needs time to pass).
      if (replay === "failed") return new Date(now.getTime() + HELD_RETRY_PAUSE);
      if (replay === "deadline") return now;
    }
    await db.syncRun.update({ where: { id: run.id }, data: { status: "COMPLETED", finishedAt: now } });
    // Any held in the instant between the replay and COMPLETED (or all, in a process that
    // cannot replay): queued, and no longer held.
    const released = await releaseHeldWebhooks(deps, run.shop.domain);
    log.info("sync completed", { shopId: run.shopId, syncRunId: run.id, webhooksQueuedAfter: released });
    return null;
  }
  const resource = (run.resource as SyncResource | null) ?? SYNC_RESOURCES[0];
  if (!deps.admin) return fail({ db, runId: run.id, now, error: "no Admin API access for this shop" });

  if (!run.bulkOperationId) {
    const started = await startBulkQuery(deps.admin, run.shop.domain, bulkQuery(resource, run.ordersSince));
    if (started.kind === "busy") return new Date(now.getTime() + pollMs); // another bulk query of ours runs
    await db.syncRun.update({
      where: { id: run.id },
      data: {
        resource,
        bulkOperationId: started.operation.id,
        bulkStatus: started.operation.status,
        resultUrl: null,
        linesApplied: 0,
        progress: withProgress(run.progress, resource, { startedAt: now.toISOString() }),
      },
    });
    return new Date(now.getTime() + pollMs);
  }

  if (!run.resultUrl) {
    const op = await bulkOperationStatus(deps.admin, run.shop.domain, run.bulkOperationId);
    if (!FINISHED.has(op.status)) {
      await db.syncRun.update({ where: { id: run.id }, data: { bulkStatus: op.status } });
      return new Date(now.getTime() + pollMs);
    }
    if (op.status !== "COMPLETED")
      return fail({
        db,
        runId: run.id,
        now,
        error: `bulk query for ${resource} ${op.status.toLowerCase()} (${op.errorCode ?? "no code"})`,
      });
    const counts = { objects: Number(op.objectCount ?? 0), roots: Number(op.rootObjectCount ?? 0) };
    // A query that matched nothing has no file.
    if (!op.url) return nextResource({ db, run, resource, now, counts });
    await db.syncRun.update({
      where: { id: run.id },
      data: { bulkStatus: op.status, resultUrl: op.url, progress: withProgress(run.progress, resource, counts) },
    });
    return now;
  }

  const finished = await applyResult(deps, { ...run, resource }, options);
  if (!finished) return now;
  // The orders' batches left the customers' order figures (apply.server): one pass for the
  // shop now, before the segments read them. Webhooks held during the sync apply after it and
  // refresh their own customers; a repeat of this step (a crash before the next resource is
  // saved) computes the same figures again.
  if (resource === "orders") await refreshShopOrderStats(db, run.shopId);
  const latest = await db.syncRun.findUniqueOrThrow({ where: { id: run.id } });
  return nextResource({ db, run: latest, resource, now, counts: {} });
}

/** Writes the current result from where the last step stopped, batch by batch, within the time budget. */
async function applyResult(
  deps: SyncDeps,
  run: {
    id: string;
    shopId: string;
    resource: SyncResource;
    resultUrl: string | null;
    linesApplied: number;
    progress: unknown;
  },
  options: SyncOptions,
): Promise<boolean> {
  const { db } = deps;
  // Each batch writer looks its rows up with one bound JSON list (db/insert-rows inList), so a
  // batch is not held below SQLite's 999 bound values. 2,000 rather than 500: on SQLite each
  // commit writes the batch's dirty index pages to the WAL (and now and then checkpoints), and
  // a 10k sync's 40 commits were its largest statement cost (1.1 s of ~9 s; 10 commits 0.57 s).
  const batchSize = Math.min(options.batchSize ?? 2000, 5000);
  const deadline = Date.now() + (options.budgetMs ?? 20 * SECOND);
  // A step after the first reads on from where the last one stopped (the file's host answers
  // a Range request with 206); re-reading and skipping the lines already written made every
  // step slower as the store grew. A host that ignores the Range sends the whole file: skipped.
  const saved = asProgress(run.progress)[run.resource]?.resumeAt;
  const resume = run.linesApplied && saved?.line === run.linesApplied ? saved.byte : 0;
  const response = await fetch(run.resultUrl!, resume ? { headers: { Range: `bytes=${resume}-` } } : undefined);
  if (!response.ok || !response.body) throw new Error(`bulk result download answered ${response.status}`);
  const ranged = resume > 0 && response.status === 206;
  const grouper = new JsonlGrouper();
  let line = ranged ? run.linesApplied : 0;
  let end = ranged ? resume : 0; // the byte past the last line read
  let linesApplied = run.linesApplied;
  let progress = run.progress;
  const flush = async (upTo: number, byte: number) => {
    const { applied, skipped } = await applyBatch(db, {
      shopId: run.shopId,
      syncRunId: run.id,
      resource: run.resource,
      groups: grouper.take(),
      receivedAt: deps.clock.now(),
    });
    if (!linesApplied) await analyzeWrittenTables(db, run.resource); // the resource's first batch
    await options.afterBatch?.({ id: run.id, resource: run.resource, linesApplied: upTo });
    const current = (asProgress(progress)[run.resource] ?? { applied: 0, skipped: 0 }) as ResourceProgress;
    progress = withProgress(progress, run.resource, {
      applied: current.applied + applied,
      skipped: current.skipped + skipped + grouper.orphans,
      resumeAt: { line: upTo, byte },
    });
    grouper.orphans = 0;
    linesApplied = upTo;
    await saveProgress(db, { id: run.id, linesApplied, progress: progress as object });
  };
  for await (const next of jsonlLines(response.body, ranged ? resume : 0)) {
    line++;
    if (line <= run.linesApplied) {
      end = next.end;
      continue; // written by an earlier step
    }
    const node = parseLine(next.text);
    // A batch ends before a new root line, so a resumed step never starts inside a group.
    if (!node.__parentId && grouper.pendingRoots() >= batchSize) {
      await flush(line - 1, end);
      if (Date.now() > deadline) {
        await response.body.cancel().catch(() => {});
        return false;
      }
    }
    grouper.add(node);
    end = next.end;
  }
  await flush(line, end);
  return true;
}

/**
 * A batch's progress, committed without waiting for the disk on PostgreSQL (db/driver.server
 * RELAXED_COMMIT), as the batch itself was: after a crash that loses it, the step repeats
 * batches that end the same; and it cannot outlive its batch, whose commit came first in the WAL.
 */
async function saveProgress(db: Db, { id, ...data }: { id: string; linesApplied: number; progress: object }) {
  const update = db.syncRun.update({ where: { id }, data });
  if (isPostgres()) await db.$transaction([db.$executeRawUnsafe(RELAXED_COMMIT), update]);
  else await update;
}

function parseLine(text: string) {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object") return value as { __parentId?: string; id?: string };
  } catch {
    /* counted below as an orphan-like skip */
  }
  return { __parentId: "unparsable" };
}

async function nextResource({
  db,
  run,
  resource,
  now,
  counts,
}: {
  db: Db;
  run: { id: string; shopId: string; progress: unknown };
  resource: SyncResource;
  now: Date;
  counts: Partial<ResourceProgress>;
}): Promise<Date> {
  const progress = withProgress(run.progress, resource, { ...counts, finishedAt: now.toISOString() });
  const following = SYNC_RESOURCES[SYNC_RESOURCES.indexOf(resource) + 1];
  const reset = { bulkOperationId: null, bulkStatus: null, resultUrl: null, linesApplied: 0, progress };
  if (following) {
    await db.syncRun.update({ where: { id: run.id }, data: { ...reset, resource: following } });
  } else {
    await db.syncRun.update({ where: { id: run.id }, data: { ...reset, status: "SEGMENTS", segmentsStartedAt: now } });
  }
  return now;
}

async function fail({ db, runId, now, error }: { db: Db; runId: string; now: Date; error: string }): Promise<null> {
  const run = await db.syncRun.update({ where: { id: runId }, data: { status: "FAILED", error, finishedAt: now } });
  log.warn("sync failed", { shopId: run.shopId, syncRunId: run.id, error });
  return null;
}

export const asProgress = (value: unknown): SyncProgress =>
  value && typeof value === "object" ? (value as SyncProgress) : {};

function withProgress(value: unknown, resource: SyncResource, patch: Partial<ResourceProgress>): object {
  const all = asProgress(value);
  const current = all[resource] ?? { applied: 0, skipped: 0 };
  return { ...all, [resource]: { ...current, ...patch } };
}
