import type { Db } from "../../db.server";
import { Prisma } from "../../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import type { SegmentNode } from "../../segments/definition";
import { CustomerEvaluation } from "../../segments/evaluate.server";
import { draftPredicate, segmentPredicate } from "../../segments/predicate.server";
import { shown } from "./members.server";

const { sql } = Prisma;

/** Members shown in the builder's preview. */
export const PREVIEW_SIZE = 10;

/**
 * The builder's live count for a draft definition: COUNT(*) in the database over the
 * definition as one SQL condition (segments/predicate, the one the day-one sync's segment pass
 * evaluates with), not an evaluation per customer, so it stays a single query at a million
 * customers. Exact but for a city, which the condition can only match by its usual spellings
 * (`exact: false`: the page says "about"). The preview's members are checked with the evaluator
 * itself when the count is not exact, so every one shown really matches.
 */
export async function previewDraft({
  db,
  shopId,
  definition,
  now,
}: {
  db: Db;
  shopId: string;
  definition: SegmentNode;
  now: Date;
}) {
  const { predicate, exact } = draftPredicate(definition, now);
  const reachable = segmentPredicate({ type: "sms_subscribed" }, now)!;
  const inDraft = sql`FROM "Customer" c WHERE c."shopId" = ${shopId} AND ${predicate}`;
  const [[counts], candidates] = await Promise.all([
    db.$queryRaw<{ count: bigint | number; subscribers: bigint | number | null }[]>`
      SELECT COUNT(*) AS "count", SUM(CASE WHEN ${reachable} THEN 1 ELSE 0 END) AS "subscribers" ${inDraft}`,
    db.$queryRaw<
      { id: string }[]
    >`SELECT c."id" ${inDraft} ORDER BY c."id" LIMIT ${exact ? PREVIEW_SIZE : PREVIEW_SIZE * 5}`,
  ]);
  const customers = await db.customer.findMany({
    where: { id: { in: candidates.map((c) => c.id) } },
    orderBy: { id: "asc" },
  });
  const members = [];
  for (const c of customers) {
    if (members.length === PREVIEW_SIZE) break;
    if (exact || (await CustomerEvaluation.of(db, c, now).matches(definition))) members.push(shown(c));
  }
  return { count: Number(counts.count), subscribers: Number(counts.subscribers ?? 0), exact, members };
}
