import type { Db } from "../../db.server";
import { storedDefinition, type SegmentNode } from "../../segments/definition";
import { backfillOf } from "./backfill-progress";
import { subscribedMembers } from "./member-sample.server";

/**
 * Below this many SMS-subscribed members a segment is flagged as small: a text to it
 * reaches too few shoppers for its click and order rates to tell anything (and an A/B
 * split halves that again), so the merchant should widen it before building on it.
 */
export const SMALL_SEGMENT_SUBSCRIBERS = 50;

/**
 * Whether a segment has fewer reachable members than the threshold, without counting all of
 * them: a segment with fewer members is small outright; otherwise the count stops at the
 * threshold, so a list of big segments costs a few index probes each.
 */
export async function isSmall(
  db: Db,
  shopId: string,
  s: Parameters<typeof backfillOf>[0] & { id: string; memberCount: number; definition: unknown },
) {
  if (backfillOf(s)) return false; // not judged while a backfill is still filling it
  if (s.memberCount < SMALL_SEGMENT_SUBSCRIBERS) return true;
  // "Opted out" and the like: no member can be reachable, and counting would find that out by
  // reading every member (the bounded count never reaches the threshold): at 1M customers
  // the list's one slow query (the built-in opted-out segment's 60k members, 0.3 s on PostgreSQL).
  if (excludesReachable(storedDefinition(s))) return true;
  return (
    (await subscribedMembers({ db, shopId, segmentId: s.id, limit: SMALL_SEGMENT_SUBSCRIBERS })) <
    SMALL_SEGMENT_SUBSCRIBERS
  );
}

/**
 * Whether a definition rules out every reachable (SMS-subscribed, with a number) customer by
 * its own terms: an opted-out or not-subscribed condition every member must meet. Sound, not
 * complete: false only means "not ruled out".
 */
export function excludesReachable(node: SegmentNode): boolean {
  if ("and" in node) return node.and.some(excludesReachable);
  if ("or" in node) return node.or.every(excludesReachable);
  if ("not" in node) return "type" in node.not && node.not.type === "sms_subscribed";
  return node.type === "opted_out";
}
