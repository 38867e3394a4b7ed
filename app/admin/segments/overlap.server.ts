import type { Db } from "../../db.server";
import { firstMembers } from "./member-sample.server";

/**
 * For this segment's members, how many are also in each other segment: one grouped query,
 * driven from this segment's memberships (primary key) into each member's other
 * memberships (shopId, customerId index), so its cost follows this segment's size.
 */
export async function overlapWithOthers({
  db,
  shopId,
  segmentId,
  sample,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  sample: number;
}) {
  const [groups, segments] = await Promise.all([
    db.$queryRaw<{ segmentId: string; members: bigint | number }[]>`
      SELECT o."segmentId" AS "segmentId", COUNT(*) AS "members"
      FROM (${firstMembers(segmentId, sample)}) m CROSS JOIN "SegmentMembership" o
      WHERE o."shopId" = ${shopId} AND o."customerId" = m."customerId" AND o."segmentId" <> ${segmentId}
      GROUP BY o."segmentId"`,
    db.segment.findMany({
      where: { shopId, archivedAt: null, id: { not: segmentId } },
      select: { id: true, name: true },
    }),
  ]);
  const names = new Map(segments.map((s) => [s.id, s.name]));
  return groups
    .filter((g) => names.has(g.segmentId))
    .map((g) => ({ segmentId: g.segmentId, name: names.get(g.segmentId)!, members: Number(g.members) }))
    .sort((a, b) => b.members - a.members);
}
