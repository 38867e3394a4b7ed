import type { Db } from "../db.server";
import { QUEUES, type JobQueue } from "../jobs/queue.server";
import { cancelPendingMessages } from "../messaging/cancel.server";
import { refreshCustomerSegments } from "../segments/membership.server";
import { liftSuppression, suppressNumber, type LiftedBy, type SuppressionReason } from "./suppression.server";

export interface ConsentChange {
  shopId: string;
  /** The number the change is about (null: a customer without a number). */
  phone: string | null;
  /** The customers the change touched (none for a number we hold no customer for). */
  customerIds: string[];
  change: "opt_out" | "opt_in";
  /** opt_out: put the number on the suppression list for this reason. */
  suppress?: SuppressionReason;
  /** opt_in: the only two things that lift a suppression. */
  lift?: LiftedBy;
  /** Tell Shopify (customerSmsMarketingConsentUpdate): only for consent that changed in the app. */
  writeBack: boolean;
  at: Date;
  /** What caused it (inbound message id, message id, import, form), for dedupe keys and history. */
  ref: string;
}

/**
 * The one place that decides what follows a consent change, so every path (STOP / START,
 * carrier opt-out, storefront form, import, Shopify's consent topic) does the same:
 * suppression list, pending texts cancelled on an opt-out, write-back to Shopify, segments.
 */
export async function afterConsentChange(deps: { db: Db; queue: JobQueue }, c: ConsentChange): Promise<void> {
  const { db } = deps;
  if (c.phone && c.change === "opt_out" && c.suppress)
    await suppressNumber(db, {
      shopId: c.shopId,
      phone: c.phone,
      reason: c.suppress,
      at: c.at,
      evidence: { ref: c.ref },
    });
  if (c.phone && c.change === "opt_in" && c.lift)
    await liftSuppression(db, { shopId: c.shopId, phone: c.phone, by: c.lift, at: c.at });
  for (const customerId of c.customerIds) {
    if (c.change === "opt_out") await cancelPendingMessages(db, c.shopId, customerId, `opted out (${c.ref})`);
    if (c.writeBack)
      await deps.queue.enqueue(
        QUEUES.writeConsentBack,
        { customerId },
        { dedupeKey: `consent:${customerId}:${c.ref}` },
      );
    await refreshCustomerSegments(db, c.shopId, customerId, c.at, { cause: "consent", ref: c.ref });
  }
}
