import type { Db } from "../../db.server";
import { DAY } from "../../clock";
import { backfillOf } from "./backfill-progress";
import { isSmall } from "./small.server";

/** The list's trend: net members gained over this many days. */
export const TREND_DAYS = 7;

/** Every live segment with members, the week's net change, backfill progress and the small flag. */
export async function listSegments(db: Db, shopId: string, now: Date) {
  const [segments, changes] = await Promise.all([
    db.segment.findMany({ where: { shopId, archivedAt: null }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
    db.segmentMembershipEvent.groupBy({
      by: ["segmentId", "change"],
      where: { shopId, at: { gte: new Date(now.getTime() - TREND_DAYS * DAY) } },
      _count: { _all: true },
    }),
  ]);
  const trend = new Map<string, { entered: number; left: number }>();
  for (const c of changes) {
    const t = trend.get(c.segmentId) ?? { entered: 0, left: 0 };
    t[c.change === "ENTERED" ? "entered" : "left"] = c._count._all;
    trend.set(c.segmentId, t);
  }
  const small = await Promise.all(segments.map((s) => isSmall(db, shopId, s)));
  return segments.map((s, i) => ({
    id: s.id,
    key: s.key,
    name: s.name,
    description: s.description,
    kind: s.kind,
    memberCount: s.memberCount,
    small: small[i]!,
    ...(trend.get(s.id) ?? { entered: 0, left: 0 }),
    backfill: backfillOf(s),
  }));
}
