import type { AppServices } from "../services";
import { isUniqueViolation } from "../db/unique-violation";
import { QUEUES } from "../jobs/queue.server";

/**
 * Scheduling a text: the message row (once per idempotency key) and its send job. Below the
 * sending pipeline (messaging/) and the consent rules, so that consent, flows and campaigns can
 * schedule texts without importing dispatch; every text still passes the send-time gates there.
 */

export interface ScheduleInput {
  shopId: string;
  /** A customer, or (for a reply to a number we hold no customer for) just a phone. */
  customerId: string | null;
  phone?: string | null;
  body: string;
  purpose: "marketing" | "compliance" | "transactional";
  /** At most one message per key per shop, however often scheduling is retried. */
  idempotencyKey: string;
  dueAt: Date;
  flowId?: string;
  flowRunId?: string;
  campaignId?: string;
  variant?: string;
}

/** Creates the message (once per idempotency key) and queues its send for `dueAt`. */
export async function scheduleMessage(deps: AppServices, m: ScheduleInput): Promise<{ id: string; created: boolean }> {
  const existing = await deps.db.message.findUnique({
    where: { shopId_idempotencyKey: { shopId: m.shopId, idempotencyKey: m.idempotencyKey } },
    select: { id: true, status: true, dueAt: true },
  });
  if (existing) {
    // A scheduler retried after dying between creating the message and queueing its send
    // (a campaign fan-out killed mid-batch) would otherwise leave it SCHEDULED forever. The
    // send's dedupe key makes this a no-op when the job is still queued, and a second job
    // for a message already claimed finds nothing to do.
    if (existing.status === "SCHEDULED") await enqueueSend(deps, existing.id, existing.dueAt ?? m.dueAt);
    return { id: existing.id, created: false };
  }
  const phone = m.customerId
    ? (await deps.db.customer.findUniqueOrThrow({ where: { id: m.customerId }, select: { phone: true } })).phone
    : (m.phone ?? null);
  const message = await deps.db.message
    .create({
      data: {
        shopId: m.shopId,
        customerId: m.customerId,
        phone,
        direction: "OUTBOUND",
        purpose: m.purpose,
        body: m.body,
        idempotencyKey: m.idempotencyKey,
        status: "SCHEDULED",
        dueAt: m.dueAt,
        flowId: m.flowId,
        flowRunId: m.flowRunId,
        campaignId: m.campaignId,
        variant: m.variant,
      },
      select: { id: true },
    })
    .catch(async (error: unknown) => {
      if (!isUniqueViolation(error)) throw error; // otherwise a concurrent schedule won
      return deps.db.message.findUniqueOrThrow({
        where: { shopId_idempotencyKey: { shopId: m.shopId, idempotencyKey: m.idempotencyKey } },
        select: { id: true },
      });
    });
  await enqueueSend(deps, message.id, m.dueAt);
  return { id: message.id, created: true };
}

/**
 * `scheduleMessage` for many texts of one shop at once (campaign fan-out): the keys already
 * used in one query, the new messages in one insert, their send jobs in one insert. A
 * concurrent scheduler of the same keys (the insert fails whole on a taken key) falls back to
 * one by one, which absorbs it. `phone` may be given for a customer (read with them) to save
 * looking it up.
 */
export async function scheduleMessages(deps: AppServices, shopId: string, inputs: ScheduleInput[]): Promise<void> {
  const { db } = deps;
  if (inputs.length === 0) return;
  const existing = await db.message.findMany({
    where: { shopId, idempotencyKey: { in: inputs.map((m) => m.idempotencyKey) } },
    select: { id: true, idempotencyKey: true, status: true, dueAt: true },
  });
  const taken = new Set(existing.map((m) => m.idempotencyKey));
  const fresh = inputs.filter((m) => !taken.has(m.idempotencyKey));
  const lookup = fresh.flatMap((m) => (m.customerId && m.phone === undefined ? [m.customerId] : []));
  const phones = new Map(
    lookup.length
      ? (await db.customer.findMany({ where: { id: { in: lookup } }, select: { id: true, phone: true } })).map((c) => [
          c.id,
          c.phone,
        ])
      : [],
  );
  try {
    await db.message.createMany({
      data: fresh.map((m) => ({
        shopId,
        customerId: m.customerId,
        phone: m.phone ?? (m.customerId ? phones.get(m.customerId) : null) ?? null,
        direction: "OUTBOUND" as const,
        purpose: m.purpose,
        body: m.body,
        idempotencyKey: m.idempotencyKey,
        status: "SCHEDULED" as const,
        dueAt: m.dueAt,
        flowId: m.flowId,
        flowRunId: m.flowRunId,
        campaignId: m.campaignId,
        variant: m.variant,
      })),
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    for (const m of inputs) await scheduleMessage(deps, m);
    return;
  }
  const created = fresh.length
    ? await db.message.findMany({
        where: { shopId, idempotencyKey: { in: fresh.map((m) => m.idempotencyKey) } },
        select: { id: true, dueAt: true },
      })
    : [];
  // As in scheduleMessage: a message left SCHEDULED by a scheduler that died before queueing gets its send now.
  const toQueue = [...created, ...existing.filter((m) => m.status === "SCHEDULED")];
  await deps.queue.enqueueMany(
    QUEUES.sendMessage,
    toQueue.map((m) => {
      const at = m.dueAt ?? deps.clock.now();
      return { payload: { messageId: m.id }, options: sendJobOptions(m.id, at) };
    }),
  );
}

/** A message's send job for `at`: deduplicated, one job per message and instant. */
export const sendJobOptions = (messageId: string, at: Date) => ({
  runAt: at,
  dedupeKey: `send:${messageId}:${at.getTime()}`,
});

/** Queues the send of a message for `at` (deduplicated: one job per message and instant). */
export const enqueueSend = (deps: AppServices, messageId: string, at: Date) =>
  deps.queue.enqueue(QUEUES.sendMessage, { messageId }, sendJobOptions(messageId, at));
