import type { Db } from "../db.server";
import { DAY } from "../clock";

/** How long a processed webhook's raw body is kept when WEBHOOK_RETENTION_DAYS is not set. */
export const DEFAULT_WEBHOOK_RETENTION_DAYS = 7;

/** Rows emptied per statement: each batch is one short write, so the job never holds a long lock. */
export const RETENTION_BATCH_SIZE = 500;

/** Batches per job; a larger backlog continues in a new job (progress survives a crash). */
export const RETENTION_BATCHES_PER_JOB = 20;

/**
 * Empties raw webhook bodies (personal data: names, e-mails, phones, addresses) once they
 * are no longer needed: processed, or rejected, more than `retentionDays` ago. The row stays
 * with what duplicate detection needs (shop, topic, webhook and event ids, dedupe key,
 * status, times): a redelivery of a pruned event is still answered as a duplicate. Rows not
 * processed yet (RECEIVED, FAILED) keep their body: the worker still needs it.
 *
 * Returns how many rows were emptied and whether more are waiting (the caller queues the
 * next job). Idempotent and safe to run from several workers at once: each update only
 * touches rows still holding a body.
 */
export async function pruneWebhookBodies({
  db,
  now,
  retentionDays,
  batchSize = RETENTION_BATCH_SIZE,
  maxBatches = RETENTION_BATCHES_PER_JOB,
}: {
  db: Db;
  now: Date;
  retentionDays: number;
  batchSize?: number;
  maxBatches?: number;
}): Promise<{ pruned: number; more: boolean }> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY);
  let pruned = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const rows = await db.webhookInbox.findMany({
      where: {
        payloadPrunedAt: null,
        // processedAt ≥ receivedAt, so the receivedAt bound only narrows the index range.
        receivedAt: { lte: cutoff },
        OR: [
          { status: "PROCESSED", processedAt: { lte: cutoff } },
          { status: "REJECTED", receivedAt: { lte: cutoff } },
        ],
      },
      select: { id: true },
      take: batchSize,
    });
    if (!rows.length) return { pruned, more: false };
    pruned += await emptyInboxBodies(
      db,
      rows.map((r) => r.id),
      now,
    );
    if (rows.length < batchSize) return { pruned, more: false };
  }
  return { pruned, more: true };
}

/**
 * Reduces inbox rows to what idempotency needs: the body is emptied and `payloadPrunedAt`
 * is set. (The error column never quotes the body: ingestion stores the parser's message
 * without its excerpt.) Used by the retention job and by customers/redact.
 */
export async function emptyInboxBodies(db: Db, ids: string[], at: Date): Promise<number> {
  if (!ids.length) return 0;
  const [{ count }] = await db.$transaction([
    db.webhookInbox.updateMany({
      where: { id: { in: ids }, payloadPrunedAt: null },
      data: { payload: "", payloadPrunedAt: at },
    }),
    // The index of who the body named goes with the body.
    db.webhookInboxSubject.deleteMany({ where: { inboxId: { in: ids } } }),
  ]);
  return count;
}

/**
 * How long a customers/data_request export is kept for the merchant to send on: Shopify's
 * deadline to answer the request is 30 days; past it the copy serves nobody, and it is the
 * shopper's whole record.
 */
export const DATA_EXPORT_RETENTION_DAYS = 30;

/** Deletes data_request exports older than DATA_EXPORT_RETENTION_DAYS (the hourly retention job). */
export async function pruneDataExports(db: Db, now: Date): Promise<number> {
  const before = new Date(now.getTime() - DATA_EXPORT_RETENTION_DAYS * DAY);
  const { count } = await db.dataExport.deleteMany({ where: { createdAt: { lt: before } } });
  return count;
}
