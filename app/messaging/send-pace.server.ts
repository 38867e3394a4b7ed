import type { Db } from "../db.server";
import { typedValue } from "../db/update-rows.server";
import { sqlOn } from "../db/driver.server";
import { Prisma } from "../generated/sqlite/client";

/**
 * Send pacing shared by every worker of a shop: the shop's messages-per-second is a limit of
 * its provider number, not of one process. Each worker reserves the slots for the texts it is
 * about to send on `ShopSettings.sendSlotsUntilMs` (the end of the slots reserved so far),
 * with one atomic statement that needs no lock: the mark caught up to now if it fell behind,
 * plus `n` intervals, and the new end read back. The `n` slots just before that end are this
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
  // One statement (Prisma's updateMany then update were five round trips: each write in a transaction).
  const now = typedValue(r.nowMs, "float");
  const [row] = await sqlOn(db).query<{ sendSlotsUntilMs: number }>(Prisma.sql`UPDATE "ShopSettings"
    SET "sendSlotsUntilMs" = (CASE WHEN "sendSlotsUntilMs" IS NULL OR "sendSlotsUntilMs" < ${now} THEN ${now}
        ELSE "sendSlotsUntilMs" END) + ${typedValue(r.count * interval, "float")},
      "updatedAt" = ${typedValue(new Date(), "timestamp")}
    WHERE "shopId" = ${r.shopId}
    RETURNING "sendSlotsUntilMs"`);
  if (!row) throw new Error(`shop ${r.shopId} has no settings`);
  const first = Number(row.sendSlotsUntilMs) - r.count * interval;
  return Array.from({ length: r.count }, (_, i) => first + i * interval);
}
