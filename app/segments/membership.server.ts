import type { Db } from "../db.server";
import { refreshSegmentsFor } from "./refresh.server";

export interface MembershipCause {
  cause: "webhook" | "time" | "definition" | "consent" | "click" | "privacy" | "sync";
  ref?: string;
}

/**
 * Causes whose changes start no flow: a segment's backfill (a new segment must not text
 * everyone already in it) and the day-one sync (old history never texts anyone).
 */
export const CAUSES_WITHOUT_FLOWS: readonly string[] = ["definition", "sync"];

export interface MembershipChange {
  segmentId: string;
  customerId: string;
  change: "ENTERED" | "LEFT";
}

/**
 * Re-evaluates every live segment of the shop for one customer and records each change:
 * the membership row, a SegmentMembershipEvent (what flows trigger on) and the member count.
 * The set-based refresh (refresh.server.ts) with one customer.
 */
export async function refreshCustomerSegments({
  db,
  shopId,
  customerId,
  now,
  cause,
}: {
  db: Db;
  shopId: string;
  customerId: string;
  now: Date;
  cause: MembershipCause;
}): Promise<MembershipChange[]> {
  return refreshSegmentsFor({ db, shopId, customerIds: [customerId], now, cause });
}
