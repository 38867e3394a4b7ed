import type { Db } from "../../db.server";
import { raw, sqltag as sql } from "@prisma/client/runtime/client"; // both clients share this runtime

/**
 * Reachable (SMS-subscribed, with a phone) members of one segment, counting at most `limit`,
 * among the first `sample` members by customer id when a sample is asked for. A join from
 * the segment's memberships (primary key) to each customer row: Prisma's relation filter
 * would first collect every subscribed customer of the shop instead. Without a sample the
 * join is left plain so it stops at `limit`: SQLite materialises a sub-select with
 * ORDER BY … LIMIT whole before joining, and the list's small-segment check read every
 * member of every segment that way (segments list at 1M customers: 2.7 s on SQLite).
 */
export async function subscribedMembers({
  db,
  shopId,
  segmentId,
  limit = Number.MAX_SAFE_INTEGER,
  sample,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  limit?: number;
  sample?: number;
}): Promise<number> {
  const members =
    sample === undefined
      ? sql`"SegmentMembership" m JOIN "Customer" c ON c."id" = m."customerId" WHERE m."segmentId" = ${segmentId} AND m."shopId" = ${shopId}`
      : sql`(${firstMembers(segmentId, sample)}) m CROSS JOIN "Customer" c WHERE c."id" = m."customerId" AND c."shopId" = ${shopId}`;
  // Without a sample, in the primary key's order: the walk then starts at the segment's first
  // member. Unordered, PostgreSQL took a bounded count over a segment with a fifth of the
  // memberships for a sequential scan expected to meet 50 of them at once, but a segment's
  // rows lie together (backfilled or bulk-loaded one segment at a time), and it read past 2M
  // others first (segments list at 1M customers: 0.3-0.4 s per such segment, 0.75 s in all).
  const order = sample === undefined ? sql`ORDER BY m."customerId"` : sql``;
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM (
      SELECT 1 FROM ${members} AND c."smsConsent" = 'SUBSCRIBED' AND c."phone" IS NOT NULL
      ${order} ${limitOf(limit)}
    ) reachable`;
  return Number(row?.n ?? 0);
}

/**
 * A LIMIT written into the SQL, not bound: better-sqlite3 binds a JS number as a REAL, and
 * SQLite's planner only reads an integer LIMIT. Unbound, it took the 20,000-member sample
 * for a whole segment and scanned all 3M memberships of the bench's 1M-customer shop
 * (overlap: 0.9 s instead of 70 ms).
 */
function limitOf(n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`LIMIT must be a non-negative integer, got ${n}`);
  return raw(`LIMIT ${n}`);
}

/**
 * The segment page's counts over members (reachable ones, overlap with other segments)
 * read at most this many members and scale up, labelled "about": over a 600k-member
 * segment of a 1M-customer shop the exact join took seconds (bench: admin render). The
 * sample is the first members by primary key: an index range however big the segment.
 * 5,000, not 20,000: the overlap probes every sampled member's other memberships, and at
 * 20,000 that one query was most of the page at 1M customers (SQLite, load 8: the overlap
 * 0.31 s, the page 0.35 s; at 5,000 the page 0.11 s). The sample was never a random one (the
 * first members by id), so the larger one bought little accuracy for four times the reads.
 * 2,000, not 5,000: on PostgreSQL at 1M customers (covering index, vacuumed, load 4) the
 * page's overview took 106 ms with 5,000 (the overlap 66 ms of it) and 44 ms with 2,000,
 * and the page stayed above its 150 ms target under load; a proportion over 2,000 members
 * is still within about 2 points (95 %) of the sample's own, which is all "about" promises.
 */
export const PAGE_SAMPLE = 2_000;

/**
 * The segment's first `sample` members by customer id: a range of the membership's primary
 * key (segmentId, customerId). Deliberately filtered on segmentId alone: with shopId too,
 * SQLite's planner (no statistics) picks the (shopId, customerId) index for its order and
 * walks every membership of the shop. Callers scope the shop on the joined rows, and join
 * it with CROSS JOIN, which SQLite reads as "this table in the outer loop" (PostgreSQL as a
 * plain join): with statistics SQLite otherwise started from the shop's 300k subscribed
 * customers and probed the sample (0.4 s instead of 40 ms at 1M customers).
 */
export const firstMembers = (segmentId: string, sample: number) =>
  sql`SELECT "customerId" FROM "SegmentMembership" WHERE "segmentId" = ${segmentId} ORDER BY "customerId" ${limitOf(sample)}`;
