import { z } from "zod";
import type { Db } from "../db.server";
import type { JobQueue } from "../jobs/queue.server";
import { SegmentNodeSchema } from "./definition";
import { startSegmentBackfill } from "./backfill.server";

/** What a merchant submits for a segment of their own (admin form, CLI, API). */
export const SegmentInput = z.object({
  name: z.string().trim().min(1, "name is required").max(80),
  description: z.string().trim().max(500).optional(),
  definition: SegmentNodeSchema,
});
export type SegmentInput = z.infer<typeof SegmentInput>;

/** Who changes a shop's segments, and when. */
interface SegmentWrite {
  db: Db;
  queue: JobQueue;
  shopId: string;
  now: Date;
}

/** Creates a merchant segment and starts evaluating it over the existing customers. */
export async function createSegment({ db, queue, shopId, input, now }: SegmentWrite & { input: SegmentInput }) {
  const segment = await db.segment.create({
    data: {
      shopId,
      key: `custom-${slug(input.name)}-${Math.random().toString(36).slice(2, 8)}`,
      name: input.name,
      description: input.description ?? null,
      kind: "CUSTOM",
      definition: input.definition as object,
    },
  });
  await startSegmentBackfill({ db, queue, segmentId: segment.id, now });
  return segment;
}

/** A changed definition is re-evaluated over everyone; members who no longer match leave. */
export async function updateSegment({
  db,
  queue,
  shopId,
  segmentId,
  input,
  now,
}: SegmentWrite & { segmentId: string; input: SegmentInput }) {
  const { count } = await db.segment.updateMany({
    where: { id: segmentId, shopId, kind: "CUSTOM", archivedAt: null },
    data: { name: input.name, description: input.description ?? null, definition: input.definition as object },
  });
  if (count === 0) throw new SegmentNotEditable(segmentId);
  await startSegmentBackfill({ db, queue, segmentId, now });
}

/**
 * Archiving stops evaluation and empties the segment without membership events: nobody
 * "left" anything, the segment is gone, and flows must not react as if they had.
 */
export async function archiveSegment({
  db,
  shopId,
  segmentId,
  now,
}: Omit<SegmentWrite, "queue"> & { segmentId: string }) {
  const { count } = await db.segment.updateMany({
    where: { id: segmentId, shopId, kind: "CUSTOM" },
    data: { archivedAt: now, memberCount: 0 },
  });
  if (count === 0) throw new SegmentNotEditable(segmentId);
  await db.segmentMembership.deleteMany({ where: { segmentId, shopId } });
}

export class SegmentNotEditable extends Error {
  constructor(segmentId: string) {
    super(`segment ${segmentId} is not a live custom segment of this shop`);
  }
}

const slug = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 40) || "segment";
