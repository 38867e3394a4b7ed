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
  return (await reserveSendSlotsForShops(db, [r]))[0]!;
}

/**
 * `reserveSendSlots` for several shops (the shops of a send batch), in one statement: each
 * shop's mark moved on by its own texts, each shop's slots back. One ask per shop.
 */
export async function reserveSendSlotsForShops(
  db: Db,
  asks: { shopId: string; perSecond: number; count: number; nowMs: number }[],
): Promise<number[][]> {
  const wanted = asks.filter((a) => a.count > 0);
  if (new Set(wanted.map((a) => a.shopId)).size < wanted.length)
    throw new Error("reserveSendSlotsForShops: one ask per shop");
  if (wanted.length === 0) return asks.map(() => []);
  const interval = (a: (typeof asks)[number]) => 1000 / Math.max(1, a.perSecond);
  // One statement (Prisma's updateMany then update were five round trips: each write in a transaction).
  const values = wanted.map(
    (a) =>
      Prisma.sql`(${typedValue(a.shopId, "text")}, ${typedValue(a.count * interval(a), "float")}, ${typedValue(a.nowMs, "float")})`,
  );
  const rows = await sqlOn(db).query<{
    shopId: string;
    sendSlotsUntilMs: number;
  }>(Prisma.sql`WITH v("key", "span", "now")
      AS (VALUES ${Prisma.join(values)})
    UPDATE "ShopSettings"
    SET "sendSlotsUntilMs" = (CASE WHEN "sendSlotsUntilMs" IS NULL OR "sendSlotsUntilMs" < v."now" THEN v."now"
        ELSE "sendSlotsUntilMs" END) + v."span",
      "updatedAt" = ${typedValue(new Date(), "timestamp")}
    FROM v WHERE "ShopSettings"."shopId" = v."key"
    RETURNING "ShopSettings"."shopId", "ShopSettings"."sendSlotsUntilMs"`);
  const until = new Map(rows.map((row) => [row.shopId, Number(row.sendSlotsUntilMs)]));
  return asks.map((a) => {
    if (a.count <= 0) return [];
    const end = until.get(a.shopId);
    if (end === undefined) throw new Error(`shop ${a.shopId} has no settings`);
    const first = end - a.count * interval(a);
    return Array.from({ length: a.count }, (_, i) => first + i * interval(a));
  });
}
