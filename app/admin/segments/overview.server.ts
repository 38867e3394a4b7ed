import type { Db } from "../../db.server";
import { SegmentNodeSchema } from "../../segments/definition";
import { describeDefinition } from "../../segments/describe";
import { backfillOf } from "./backfill-progress";
import { dailyHistory, recentEvents } from "./history.server";
import { PAGE_SAMPLE, subscribedMembers } from "./member-sample.server";
import { overlapWithOthers } from "./overlap.server";
import { isSmall } from "./small.server";

/** A segment of this shop, or null (the route answers 404). */
export function findSegment(db: Db, shopId: string, id: string) {
  return db.segment.findFirst({ where: { id, shopId, archivedAt: null } });
}

/** The segment page: definition in words, reachable members, recent history, daily chart, overlap. */
export async function segmentOverview({
  db,
  shopId,
  id,
  now,
  sample = PAGE_SAMPLE,
}: {
  db: Db;
  shopId: string;
  id: string;
  now: Date;
  sample?: number;
}) {
  const segment = await findSegment(db, shopId, id);
  if (!segment) return null;
  const definition = SegmentNodeSchema.parse(segment.definition);
  // Above PAGE_SAMPLE members the counts come from a sample, scaled to the segment's size.
  const sampled = Math.min(segment.memberCount, sample);
  const scale = (n: number) =>
    segment.memberCount > sample && sampled ? Math.round((n * segment.memberCount) / sampled) : n;
  const [subscribers, small, events, history, overlap] = await Promise.all([
    subscribedMembers({ db, shopId, segmentId: id, sample }).then(scale),
    isSmall(db, shopId, segment),
    recentEvents({ db, shopId, segmentId: id }),
    dailyHistory({ db, shopId, segmentId: id, now }),
    overlapWithOthers({ db, shopId, segmentId: id, sample }).then((rows) =>
      rows.map((o) => ({ ...o, members: scale(o.members) })),
    ),
  ]);
  return {
    segment: {
      id: segment.id,
      key: segment.key,
      name: segment.name,
      description: segment.description,
      kind: segment.kind,
      memberCount: segment.memberCount,
      definition,
      words: describeDefinition(definition),
      backfill: backfillOf(segment),
      backfillCompletedAt: segment.backfillCompletedAt?.toISOString() ?? null,
    },
    subscribers,
    small,
    events,
    history,
    overlap,
    /** The subscriber and overlap counts are scaled from a sample ("about"). */
    approximate: segment.memberCount > sample,
  };
}
