import type { Db } from "../../db.server";
import type { Prisma } from "../../generated/sqlite/client";
import type { SegmentNode } from "../../segments/definition";
import { CustomerEvaluation } from "../../segments/evaluate.server";
import { definitionWhere } from "../../segments/where.server";
import { shown } from "./members.server";

/** Members shown in the builder's preview. */
export const PREVIEW_SIZE = 10;

const reachable: Prisma.CustomerWhereInput = { smsConsent: "SUBSCRIBED", phone: { not: null } };

/**
 * The builder's live count for a draft definition: COUNT(*) in the database over the
 * definition as one filter (segments/where.server.ts), not an evaluation per customer, so it
 * stays a single indexed-or-scanned query at a million customers. `exact: false` when the
 * filter can only approximate the evaluator (the page says "about"). The preview's members
 * are checked with the evaluator itself, so every one shown really matches.
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
  const { where, exact } = await definitionWhere({ db, shopId, node: definition, now });
  const [count, subscribers, candidates] = await Promise.all([
    db.customer.count({ where }),
    db.customer.count({ where: { AND: [where, reachable] } }),
    db.customer.findMany({ where, orderBy: { id: "asc" }, take: exact ? PREVIEW_SIZE : PREVIEW_SIZE * 5 }),
  ]);
  const members = [];
  for (const c of candidates) {
    if (members.length === PREVIEW_SIZE) break;
    if (exact || (await CustomerEvaluation.of(db, c, now).matches(definition))) members.push(shown(c));
  }
  return { count, subscribers, exact, members };
}
