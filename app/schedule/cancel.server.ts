import type { Db } from "../db.server";
import { boundRows } from "../db/insert-rows.server";
import { typedValue } from "../db/update-rows.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime

/** A customer whose pending texts go, and the reason recorded on each. */
export type Cancellation = { customerId: string; reason: string };

/**
 * Opt-out, exit or uninstall: nothing still waiting is sent. One statement for any number of
 * customers (a webhook batch's or a sync batch's opt-outs); a customer named twice keeps the
 * first reason, as cancelling one change at a time would (the second finds nothing pending).
 * Returns how many texts were cancelled.
 */
export async function cancelPendingMessages({
  db,
  shopId,
  cancellations,
}: {
  db: Db;
  shopId: string;
  cancellations: readonly Cancellation[];
}): Promise<number> {
  const first = new Map<string, Cancellation>();
  for (const c of cancellations) if (!first.has(c.customerId)) first.set(c.customerId, c);
  if (!first.size) return 0;
  return db.$executeRaw(Prisma.sql`
    UPDATE "Message" SET "status" = 'CANCELLED', "error" = t."reason", "updatedAt" = ${typedValue(new Date(), "timestamp")}
    FROM ${boundRows({ customerId: "text", reason: "text" }, [...first.values()])} t
    WHERE "Message"."shopId" = ${shopId} AND "Message"."customerId" = t."customerId"
      AND "Message"."direction" = 'OUTBOUND' AND "Message"."purpose" <> 'compliance'
      AND "Message"."status" IN ('SCHEDULED', 'HELD')`);
}
