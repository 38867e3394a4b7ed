import type { Db } from "../db.server";
import { boundRows } from "../db/insert-rows.server";
import { typedValue } from "../db/update-rows.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime

/**
 * A customer whose pending texts go, and the reason recorded on each. An opt-out's cancellation
 * carries the opt-out's time: it is void for a customer whose consent stands SUBSCRIBED from a
 * newer fact (a stale opt-out, such as the customer object of an order that Shopify still shows
 * unsubscribed, must not take a later subscription's confirmation text with it). The send gate
 * decides by the number's consent when a text goes either way (consent/gate).
 */
export type Cancellation = { customerId: string; reason: string; optedOutAt?: Date };

/**
 * Opt-out, exit or uninstall: nothing still waiting is sent. One statement for any number of
 * customers (a webhook batch's or a sync batch's opt-outs); a customer named twice keeps the
 * first reason, as cancelling one change at a time would (the second finds nothing pending),
 * and the newest opt-out time.
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
  const byCustomer = new Map<string, Cancellation>();
  for (const c of cancellations) {
    const seen = byCustomer.get(c.customerId);
    // The first reason; the newest opt-out time (none: unconditional), the stricter of the two.
    if (!seen) byCustomer.set(c.customerId, c);
    else if (seen.optedOutAt && (!c.optedOutAt || c.optedOutAt > seen.optedOutAt))
      byCustomer.set(c.customerId, { ...seen, optedOutAt: c.optedOutAt });
  }
  if (!byCustomer.size) return 0;
  return db.$executeRaw(Prisma.sql`
    UPDATE "Message" SET "status" = 'CANCELLED', "error" = t."reason", "updatedAt" = ${typedValue(new Date(), "timestamp")}
    FROM ${boundRows({ customerId: "text", reason: "text", optedOutAt: "timestamp" }, [...byCustomer.values()])} t
    WHERE "Message"."shopId" = ${shopId} AND "Message"."customerId" = t."customerId"
      AND "Message"."direction" = 'OUTBOUND' AND "Message"."purpose" <> 'compliance'
      AND "Message"."status" IN ('SCHEDULED', 'HELD')
      AND (t."optedOutAt" IS NULL OR NOT EXISTS (
        SELECT 1 FROM "Customer" c WHERE c."id" = t."customerId"
          AND c."smsConsent" = 'SUBSCRIBED' AND c."smsConsentAt" > t."optedOutAt"))`);
}
