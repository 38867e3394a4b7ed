import type { Db } from "../db.server";

/**
 * Send pacing shared by every worker of a shop: the shop's messages-per-second is a limit of
 * its provider number, not of one process. Each worker reserves the slots for the texts it is
 * about to send on `ShopSettings.sendSlotsUntilMs` (the end of the slots reserved so far),
 * with two atomic statements that need no lock: catch the mark up to now if it fell behind,
 * then add `n` intervals and read the new end. The `n` slots just before that end are this
 * worker's alone, whatever other workers reserve at the same moment. A worker that dies after
 * reserving only leaves its slots unused.
 *
 * Returns, per text, when it may go (epoch ms; at or before `nowMs` means at once).
 */
export async function reserveSendSlots(
  db: Db,
  r: { shopId: string; perSecond: number; count: number; nowMs: number },
): Promise<number[]> {
  if (r.count <= 0) return [];
  const interval = 1000 / Math.max(1, r.perSecond);
  await db.shopSettings.updateMany({
    where: { shopId: r.shopId, OR: [{ sendSlotsUntilMs: null }, { sendSlotsUntilMs: { lt: r.nowMs } }] },
    data: { sendSlotsUntilMs: r.nowMs },
  });
  const { sendSlotsUntilMs: end } = await db.shopSettings.update({
    where: { shopId: r.shopId },
    data: { sendSlotsUntilMs: { increment: r.count * interval } },
    select: { sendSlotsUntilMs: true },
  });
  const first = end! - r.count * interval;
  return Array.from({ length: r.count }, (_, i) => first + i * interval);
}
