import type { Db } from "../db.server";
import { CustomerEvaluation } from "./evaluate.server";
import { storedDefinition } from "./definition";

export interface MembershipCause {
  cause: "webhook" | "time" | "definition" | "consent" | "click" | "privacy";
  ref?: string;
}

export interface MembershipChange {
  segmentId: string;
  customerId: string;
  change: "ENTERED" | "LEFT";
}

/**
 * Re-evaluates every live segment of the shop for one customer and records each change:
 * the membership row, a SegmentMembershipEvent (what flows trigger on) and the member count.
 */
export async function refreshCustomerSegments(
  db: Db,
  shopId: string,
  customerId: string,
  now: Date,
  cause: MembershipCause,
): Promise<MembershipChange[]> {
  const evaluation = await CustomerEvaluation.load(db, customerId, now);
  if (!evaluation) return [];
  const [segments, current] = await Promise.all([
    db.segment.findMany({ where: { shopId, archivedAt: null }, select: { id: true, definition: true } }),
    db.segmentMembership.findMany({ where: { shopId, customerId }, select: { segmentId: true } }),
  ]);
  const isMember = new Set(current.map((m) => m.segmentId));
  const changes: MembershipChange[] = [];
  for (const segment of segments) {
    const should = await evaluation.matches(storedDefinition(segment));
    if (should !== isMember.has(segment.id)) {
      changes.push({ segmentId: segment.id, customerId, change: should ? "ENTERED" : "LEFT" });
    }
  }
  // All of this customer's changes in one transaction: one commit per event, not per change.
  if (changes.length) await db.$transaction(changes.flatMap((c) => changeStatements(db, shopId, c, now, cause)));
  return changes;
}

/** One membership change, its event and the member count, atomically. */
export async function recordMembershipChange(
  db: Db,
  shopId: string,
  c: MembershipChange,
  at: Date,
  cause: MembershipCause,
) {
  await db.$transaction(changeStatements(db, shopId, c, at, cause));
}

/** The three writes of a change: the membership row, its event, the segment's count. */
function changeStatements(db: Db, shopId: string, c: MembershipChange, at: Date, cause: MembershipCause) {
  const event = {
    shopId,
    segmentId: c.segmentId,
    customerId: c.customerId,
    change: c.change,
    at,
    cause: cause.cause,
    causeRef: cause.ref ?? null,
  };
  return c.change === "ENTERED"
    ? [
        db.segmentMembership.create({
          data: { segmentId: c.segmentId, customerId: c.customerId, shopId, enteredAt: at },
        }),
        db.segmentMembershipEvent.create({ data: event }),
        db.segment.update({ where: { id: c.segmentId }, data: { memberCount: { increment: 1 } } }),
      ]
    : [
        db.segmentMembership.delete({
          where: { segmentId_customerId: { segmentId: c.segmentId, customerId: c.customerId } },
        }),
        db.segmentMembershipEvent.create({ data: event }),
        db.segment.update({ where: { id: c.segmentId }, data: { memberCount: { decrement: 1 } } }),
      ];
}
