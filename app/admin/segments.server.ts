import type { Db } from "../db.server";
import type { Prisma } from "../generated/sqlite/client";
import { DAY } from "../clock";
import { ConditionSchema, SegmentNodeSchema, type SegmentNode } from "../segments/definition";
import { SegmentInput } from "../segments/manage.server";
import { CustomerEvaluation } from "../segments/evaluate.server";
import { definitionWhere } from "../segments/where.server";
import { describeDefinition } from "../segments/describe";
import { maskPhone } from "../operator/reports.server";
import { PAGE_SIZE } from "./paginate.server";
import type { FormErrors } from "./segment-draft";

/**
 * Below this many SMS-subscribed members a segment is flagged as small: a text to it
 * reaches too few shoppers for its click and order rates to tell anything (and an A/B
 * split halves that again), so the merchant should widen it before building on it.
 * Not judged while a backfill is still filling the segment.
 */
export const SMALL_SEGMENT_SUBSCRIBERS = 50;
/** The list's trend: net members gained over this many days. */
export const TREND_DAYS = 7;
/** The segment page's entries-vs-exits chart covers this many days. */
export const HISTORY_DAYS = 14;
/** Members shown in the builder's preview. */
export const PREVIEW_SIZE = 10;

const reachable: Prisma.CustomerWhereInput = { smsConsent: "SUBSCRIBED", phone: { not: null } };

const isSmall = (s: Parameters<typeof backfillOf>[0], subscribers: number) => !backfillOf(s) && subscribers < SMALL_SEGMENT_SUBSCRIBERS;

function backfillOf(s: { backfillStartedAt: Date | null; backfillCompletedAt: Date | null; backfillEvaluated: number; backfillTotal: number }) {
  if (!s.backfillStartedAt || s.backfillCompletedAt) return null;
  return { evaluated: s.backfillEvaluated, total: s.backfillTotal };
}

/** Subscribed (reachable) members per segment, one grouped query. */
async function subscribedCounts(db: Db, shopId: string, segmentIds?: string[]) {
  const rows = await db.segmentMembership.groupBy({
    by: ["segmentId"],
    where: { shopId, ...(segmentIds ? { segmentId: { in: segmentIds } } : {}), customer: reachable },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.segmentId, r._count._all]));
}

/** Every live segment with members, reachable members, the week's net change and backfill progress. */
export async function listSegments(db: Db, shopId: string, now: Date) {
  const [segments, subscribed, changes] = await Promise.all([
    db.segment.findMany({ where: { shopId, archivedAt: null }, orderBy: [{ kind: "asc" }, { name: "asc" }] }),
    subscribedCounts(db, shopId),
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
  return segments.map((s) => {
    const t = trend.get(s.id) ?? { entered: 0, left: 0 };
    const subscribers = subscribed.get(s.id) ?? 0;
    return {
      id: s.id,
      key: s.key,
      name: s.name,
      description: s.description,
      kind: s.kind,
      memberCount: s.memberCount,
      subscribers,
      small: isSmall(s, subscribers),
      entered: t.entered,
      left: t.left,
      backfill: backfillOf(s),
    };
  });
}

/**
 * The builder's post (name, description, definition as JSON) through SegmentInput, with
 * errors a person can act on: zod's union errors for a tree only say "invalid input", so
 * each condition is checked on its own and its problems are keyed by its place in the tree.
 */
export function parseSegmentForm(form: FormData): { input: SegmentInput } | { errors: FormErrors } {
  let definition: unknown;
  try {
    definition = JSON.parse(String(form.get("definition") ?? ""));
  } catch {
    return { errors: { definition: "The conditions could not be read; reload the page and try again." } };
  }
  const raw = { name: String(form.get("name") ?? ""), description: String(form.get("description") ?? "") || undefined, definition };
  const parsed = SegmentInput.safeParse(raw);
  if (parsed.success) return { input: parsed.data };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    if (field === "name" || field === "description") errors[field] ??= issue.message;
  }
  const conditions = conditionErrors(definition);
  if (Object.keys(conditions).length) errors.conditions = conditions;
  else if (!SegmentNodeSchema.safeParse(definition).success) errors.definition = "Add at least one condition.";
  return { errors };
}

function conditionErrors(node: unknown, path: string[] = [], out: Record<string, string> = {}): Record<string, string> {
  if (typeof node !== "object" || node === null) return out;
  const key = path.join(".");
  for (const group of ["and", "or"] as const) {
    if (group in node) {
      const children = (node as Record<string, unknown>)[group];
      if (!Array.isArray(children) || children.length === 0) out[key] = "Add at least one condition to this group.";
      else children.forEach((child, i) => conditionErrors(child, [...path, group, String(i)], out));
      return out;
    }
  }
  if ("not" in node) return conditionErrors((node as { not: unknown }).not, [...path, "not"], out);
  const result = ConditionSchema.safeParse(node);
  if (!result.success) out[key] = result.error.issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${describeIssue(i)}` : describeIssue(i))).join("; ");
  return out;
}

// zod words a missing field "Invalid input: expected number, received undefined".
const describeIssue = (issue: { message: string }) => (/received undefined/.test(issue.message) ? "required" : issue.message);

type MemberRow = { id: string; firstName: string | null; lastName: string | null; phone: string | null; smsConsent: string };
const memberSelect = { id: true, firstName: true, lastName: true, phone: true, smsConsent: true } as const;
const shown = (c: MemberRow) => ({
  id: c.id,
  name: [c.firstName, c.lastName].filter(Boolean).join(" ") || "(no name)",
  phone: maskPhone(c.phone),
  consent: c.smsConsent,
});

/**
 * The builder's live count for a draft definition: COUNT(*) in the database over the
 * definition as one filter (segments/where.server.ts), not an evaluation per customer, so it
 * stays a single indexed-or-scanned query at a million customers. `exact: false` when the
 * filter can only approximate the evaluator (the page says "about"). The preview's members
 * are checked with the evaluator itself, so every one shown really matches.
 */
export async function previewDraft(db: Db, shopId: string, definition: SegmentNode, now: Date) {
  const { where, exact } = await definitionWhere(db, shopId, definition, now);
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

/** A segment of this shop, or null (the route answers 404). */
export function findSegment(db: Db, shopId: string, id: string) {
  return db.segment.findFirst({ where: { id, shopId, archivedAt: null } });
}

/** The segment page: definition in words, reachable members, recent history, daily chart, overlap. */
export async function segmentOverview(db: Db, shopId: string, id: string, now: Date) {
  const segment = await findSegment(db, shopId, id);
  if (!segment) return null;
  const definition = SegmentNodeSchema.parse(segment.definition);
  const [subscribed, events, history, overlap] = await Promise.all([
    subscribedCounts(db, shopId, [id]),
    recentEvents(db, shopId, id),
    dailyHistory(db, shopId, id, now),
    overlapWithOthers(db, shopId, id),
  ]);
  const subscribers = subscribed.get(id) ?? 0;
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
    small: isSmall(segment, subscribers),
    events,
    history,
    overlap,
  };
}

async function recentEvents(db: Db, shopId: string, segmentId: string, take = 20) {
  const events = await db.segmentMembershipEvent.findMany({ where: { shopId, segmentId }, orderBy: [{ at: "desc" }, { id: "desc" }], take });
  const customers = await db.customer.findMany({ where: { shopId, id: { in: [...new Set(events.map((e) => e.customerId))] } }, select: memberSelect });
  const byId = new Map(customers.map((c) => [c.id, shown(c)]));
  return events.map((e) => ({
    id: e.id,
    change: e.change,
    at: e.at.toISOString(),
    cause: e.cause,
    causeRef: e.causeRef,
    customer: byId.get(e.customerId)?.name ?? "(deleted customer)",
  }));
}

/**
 * Entries and exits per UTC day. One grouped count per day on the (segmentId, at) index
 * rather than loading events: a backfill can record a million entries in a day.
 */
async function dailyHistory(db: Db, shopId: string, segmentId: string, now: Date) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => new Date(today - (HISTORY_DAYS - 1 - i) * DAY));
  return Promise.all(
    days.map(async (day) => {
      const groups = await db.segmentMembershipEvent.groupBy({
        by: ["change"],
        where: { shopId, segmentId, at: { gte: day, lt: new Date(day.getTime() + DAY) } },
        _count: { _all: true },
      });
      const count = (change: string) => groups.find((g) => g.change === change)?._count._all ?? 0;
      return { day: day.toISOString().slice(0, 10), entered: count("ENTERED"), left: count("LEFT") };
    })
  );
}

/** For this segment's members, how many are also in each other segment: one grouped query. */
async function overlapWithOthers(db: Db, shopId: string, segmentId: string) {
  const [groups, segments] = await Promise.all([
    db.segmentMembership.groupBy({
      by: ["segmentId"],
      where: { shopId, segmentId: { not: segmentId }, customer: { memberships: { some: { segmentId } } } },
      _count: { _all: true },
    }),
    db.segment.findMany({ where: { shopId, archivedAt: null, id: { not: segmentId } }, select: { id: true, name: true } }),
  ]);
  const names = new Map(segments.map((s) => [s.id, s.name]));
  return groups
    .filter((g) => names.has(g.segmentId))
    .map((g) => ({ segmentId: g.segmentId, name: names.get(g.segmentId)!, members: g._count._all }))
    .sort((a, b) => b.members - a.members);
}

/**
 * A page of members, newest first, keyset on (enteredAt, customerId): `after` is the last
 * customer id of the previous page.
 */
export async function segmentMembers(db: Db, shopId: string, segmentId: string, after: string | null, size = PAGE_SIZE) {
  const rows = await db.segmentMembership.findMany({
    where: { shopId, segmentId },
    orderBy: [{ enteredAt: "desc" }, { customerId: "desc" }],
    take: size + 1,
    ...(after ? { cursor: { segmentId_customerId: { segmentId, customerId: after } }, skip: 1 } : {}),
    include: { customer: { select: memberSelect } },
  });
  const page = rows.slice(0, size);
  return {
    members: page.map((m) => ({ ...shown(m.customer), enteredAt: m.enteredAt.toISOString() })),
    nextCursor: rows.length > size ? page[page.length - 1].customerId : null,
  };
}
