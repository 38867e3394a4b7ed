import { z } from "zod";

/**
 * A segment is a tree of conditions combined with AND / OR / NOT, stored as JSON on the
 * Segment row and evaluated by one engine (evaluate.server.ts), for built-in and
 * merchant-composed segments alike.
 */
const cmp = z.enum(["gte", "lte", "eq", "gt", "lt"]);
const days = z.number().int().positive().max(3650);

export const ConditionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("sms_subscribed") }),
  z.object({ type: z.literal("opted_out") }),
  z.object({ type: z.literal("orders_count"), op: cmp, value: z.number().int().min(0) }),
  z.object({ type: z.literal("total_spent"), op: cmp, value: z.number().min(0) }),
  z.object({ type: z.literal("never_purchased") }),
  z.object({ type: z.literal("new_customer"), days }), // first order within N days
  z.object({ type: z.literal("active"), days }), // ordered within N days
  z.object({ type: z.literal("lapsed"), days }), // has ordered, none for N days
  z.object({ type: z.literal("abandoned_checkout"), minutes: z.number().int().positive() }),
  z.object({ type: z.literal("restock_watcher"), variantId: z.string().optional() }),
  z.object({ type: z.literal("clicked_within"), days }),
  z.object({ type: z.literal("never_clicked") }),
  z.object({ type: z.literal("replied_within"), days }),
  z.object({
    type: z.literal("location"),
    country: z.string().length(2).optional(),
    province: z.string().optional(),
    city: z.string().optional(),
  }),
  z.object({
    type: z.literal("purchased"),
    productId: z.string().optional(),
    variantId: z.string().optional(),
    productType: z.string().optional(),
    vendor: z.string().optional(),
    collectionId: z.string().optional(),
  }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

export type SegmentNode = { and: SegmentNode[] } | { or: SegmentNode[] } | { not: SegmentNode } | Condition;

export const SegmentNodeSchema: z.ZodType<SegmentNode> = z.lazy(() =>
  z.union([
    z.object({ and: z.array(SegmentNodeSchema).min(1) }),
    z.object({ or: z.array(SegmentNodeSchema).min(1) }),
    z.object({ not: SegmentNodeSchema }),
    ConditionSchema,
  ]),
);

/** A checkout older than this is no longer "abandoned" (too old to recover). */
export const ABANDONED_MAX_DAYS = 30;

export function conditionsOf(node: SegmentNode): Condition[] {
  if ("and" in node) return node.and.flatMap(conditionsOf);
  if ("or" in node) return node.or.flatMap(conditionsOf);
  if ("not" in node) return conditionsOf(node.not);
  return [node];
}

/**
 * A stored definition, parsed once: the segment engine evaluates every segment on every
 * event, and re-validating the same JSON each time was pure overhead. Keyed by the JSON
 * text itself (not updatedAt, which moves with every member-count change), so an edit is
 * a new entry; distinct definitions are few.
 */
const parsed = new Map<string, SegmentNode>();

export function storedDefinition(segment: { definition: unknown }): SegmentNode {
  const key = JSON.stringify(segment.definition);
  let node = parsed.get(key);
  if (!node) parsed.set(key, (node = SegmentNodeSchema.parse(segment.definition)));
  return node;
}
