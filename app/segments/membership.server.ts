import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { MembershipRaced, refreshSegmentsFor } from "./refresh.server";

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
 *
 * Two refreshes of one customer at once (a double tap on a link, a reply beside a webhook):
 * the one that loses the race writes nothing and throws (a membership the other inserted, or
 * removed). Not every caller has a job to retry it (a click answers the shopper at once), so it
 * reads again here, up to three times, and finds the winner's change already made.
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await refreshSegmentsFor({ db, shopId, customerIds: [customerId], now, cause });
    } catch (error) {
      const raced = error instanceof MembershipRaced || isUniqueViolation(error);
      if (!raced || attempt >= 3) throw error;
    }
  }
}
