import type { Db } from "../db.server";
import type { Prisma } from "../generated/sqlite/client";
import { raw, sqltag as sql } from "@prisma/client/runtime/client"; // both clients share this runtime
import { DAY } from "../clock";
import { ConditionSchema, SegmentNodeSchema, storedDefinition, type SegmentNode } from "../segments/definition";
import { SegmentInput } from "../segments/manage.server";
import { CustomerEvaluation } from "../segments/evaluate.server";
import { definitionWhere } from "../segments/where.server";
import { describeDefinition } from "../segments/describe";
import { maskPhone } from "../operator/reports.server";
import { PAGE_SIZE } from "./paginate.server";
import { dayExpression } from "./dashboard.server";
import type { FormErrors } from "./segment-draft";

/**
 * Below this many SMS-subscribed members a segment is flagged as small: a text to it
 * reaches too few shoppers for its click and order rates to tell anything (and an A/B
 * split halves that again), so the merchant should widen it before building on it.
 */
export const SMALL_SEGMENT_SUBSCRIBERS = 50;
/** The list's trend: net members gained over this many days. */
export const TREND_DAYS = 7;
/** The segment page's entries-vs-exits chart covers this many days. */
export const HISTORY_DAYS = 14;
/** Members shown in the builder's preview. */
export const PREVIEW_SIZE = 10;

const reachable: Prisma.CustomerWhereInput = { smsConsent: "SUBSCRIBED", phone: { not: null } };

function backfillOf(s: {
  backfillStartedAt: Date | null;
  backfillCompletedAt: Date | null;
  backfillEvaluated: number;
  backfillTotal: number;
}) {
  if (!s.backfillStartedAt || s.backfillCompletedAt) return null;
  return { evaluated: s.backfillEvaluated, total: s.backfillTotal };
}

/**
 * Reachable (SMS-subscribed, with a phone) members of one segment, counting at most `limit`,
 * among the first `sample` members by customer id when a sample is asked for. A join from
 * the segment's memberships (primary key) to each customer row: Prisma's relation filter
 * would first collect every subscribed customer of the shop instead. Without a sample the
 * join is left plain so it stops at `limit`: SQLite materialises a sub-select with
 * ORDER BY … LIMIT whole before joining, and the list's small-segment check read every
 * member of every segment that way (segments list at 1M customers: 2.7 s on SQLite).
 */
async function subscribedMembers({
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
  const [row] = await db.$queryRaw<{ n: bigint | number }[]>`
    SELECT COUNT(*) AS "n" FROM (
      SELECT 1 FROM ${members} AND c."smsConsent" = 'SUBSCRIBED' AND c."phone" IS NOT NULL
      ${limitOf(limit)}
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
 */
export const PAGE_SAMPLE = 5_000;

/**
 * The segment's first `sample` members by customer id: a range of the membership's primary
 * key (segmentId, customerId). Deliberately filtered on segmentId alone: with shopId too,
 * SQLite's planner (no statistics) picks the (shopId, customerId) index for its order and
 * walks every membership of the shop. Callers scope the shop on the joined rows, and join
 * it with CROSS JOIN, which SQLite reads as "this table in the outer loop" (PostgreSQL as a
 * plain join): with statistics SQLite otherwise started from the shop's 300k subscribed
 * customers and probed the sample (0.4 s instead of 40 ms at 1M customers).
 */
const firstMembers = (segmentId: string, sample: number) =>
  sql`SELECT "customerId" FROM "SegmentMembership" WHERE "segmentId" = ${segmentId} ORDER BY "customerId" ${limitOf(sample)}`;

/**
 * Whether a segment has fewer reachable members than the threshold, without counting all of
 * them: a segment with fewer members is small outright; otherwise the count stops at the
 * threshold, so a list of big segments costs a few index probes each.
 */
async function isSmall(
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
  const raw = {
    name: String(form.get("name") ?? ""),
    description: String(form.get("description") ?? "") || undefined,
    definition,
  };
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
  if (!result.success)
    out[key] = result.error.issues
      .map((i) => (i.path.length ? `${String(i.path[0])}: ${describeIssue(i)}` : describeIssue(i)))
      .join("; ");
  return out;
}

// zod words a missing field "Invalid input: expected number, received undefined".
const describeIssue = (issue: { message: string }) =>
  /received undefined/.test(issue.message) ? "required" : issue.message;

type MemberRow = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  smsConsent: string;
};
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

async function recentEvents({
  db,
  shopId,
  segmentId,
  take = 20,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  take?: number;
}) {
  const events = await db.segmentMembershipEvent.findMany({
    where: { shopId, segmentId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take,
  });
  const customers = await db.customer.findMany({
    where: { shopId, id: { in: [...new Set(events.map((e) => e.customerId))] } },
    select: memberSelect,
  });
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
 * Entries and exits per UTC day: one query grouped by day and change on the (segmentId, at)
 * index rather than loading events (a backfill can record a million entries in a day), and
 * not a query per day (fourteen round trips).
 */
async function dailyHistory({ db, shopId, segmentId, now }: { db: Db; shopId: string; segmentId: string; now: Date }) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const days = Array.from({ length: HISTORY_DAYS }, (_, i) => new Date(today - (HISTORY_DAYS - 1 - i) * DAY));
  const groups = await db.$queryRaw<{ day: string; change: string; n: bigint | number }[]>`
    SELECT ${dayExpression("at")} AS "day", "change" AS "change", COUNT(*) AS "n"
    FROM "SegmentMembershipEvent"
    WHERE "segmentId" = ${segmentId} AND "shopId" = ${shopId} AND "at" >= ${days[0]!} AND "at" < ${new Date(today + DAY)}
    GROUP BY 1, 2`;
  const count = (day: string, change: string) =>
    Number(groups.find((g) => g.day === day && String(g.change) === change)?.n ?? 0);
  return days.map((d) => {
    const day = d.toISOString().slice(0, 10);
    return { day, entered: count(day, "ENTERED"), left: count(day, "LEFT") };
  });
}

/**
 * For this segment's members, how many are also in each other segment: one grouped query,
 * driven from this segment's memberships (primary key) into each member's other
 * memberships (shopId, customerId index), so its cost follows this segment's size.
 */
async function overlapWithOthers({
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

/**
 * A page of members, newest customers first, keyset on the membership's primary key
 * (segmentId, customerId): `after` is the last customer id of the previous page. (Ordering
 * by enteredAt would need a tie-breaker index: a backfill enters thousands at one instant.)
 */
export async function segmentMembers({
  db,
  shopId,
  segmentId,
  after,
  size = PAGE_SIZE,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  after: string | null;
  size?: number;
}) {
  const rows = await db.segmentMembership.findMany({
    where: { shopId, segmentId, ...(after ? { customerId: { lt: after } } : {}) },
    orderBy: { customerId: "desc" },
    take: size + 1,
    include: { customer: { select: memberSelect } },
  });
  const page = rows.slice(0, size);
  return {
    members: page.map((m) => ({ ...shown(m.customer), enteredAt: m.enteredAt.toISOString() })),
    nextCursor: rows.length > size ? page[page.length - 1]!.customerId : null,
  };
}
