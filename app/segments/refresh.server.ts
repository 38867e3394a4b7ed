import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { conditionsOf, storedDefinition, type SegmentNode } from "./definition";
import {
  isRelational,
  matchesFacts,
  relationKey,
  type CustomerFacts,
  type RelationalCondition,
  type RelationFact,
} from "./evaluate.server";
import { relationSql } from "./predicate.server";
import { boundRows, type ColumnType } from "../db/insert-rows.server";
import { prismaRunner } from "../db/driver.server";

const { join, raw, sql } = Prisma;
import type { MembershipCause, MembershipChange } from "./membership.server";

/**
 * Customers per evaluation query and per write transaction: bounds the bound parameters
 * (SQLite allows 32,766, PostgreSQL 65,535) and a transaction's size for a large refresh
 * (the sweep after an outage, the day-one sync's segment pass).
 */
export const REFRESH_CHUNK = 500;

export interface RefreshSegmentsInput {
  db: Db;
  shopId: string;
  customerIds: readonly string[];
  now: Date;
  cause: MembershipCause;
  /**
   * A cause's ref per customer, where the customers were moved by different things: a batch of
   * a shop's webhooks refreshes once, each customer's events naming the last row that touched them.
   */
  causeRefs?: ReadonlyMap<string, string>;
  /** Only these segments (a backfill of one new definition); default every live segment of the shop. */
  segmentIds?: readonly string[];
}

/**
 * Re-evaluates the shop's live segments for a set of customers and records what changed, set
 * based: per chunk of customers one SELECT answers every segment (the customer's columns, one
 * column per distinct relational condition, one membership flag per segment), the decision is
 * made in memory by the same function as the per-customer evaluator (matchesFacts), and the
 * diff is written in one transaction of at most four statements: memberships inserted,
 * memberships deleted, the SegmentMembershipEvents (what flows trigger on), member counts.
 * Customers that do not exist (or belong to another shop) are skipped; deleted and redacted
 * ones leave every segment. Returns the changes it made (not those another refresh made first),
 * in customer, then segment order.
 *
 * The day-one sync's final pass and the sweep call this with many customers at once; one
 * event's processing with the customers it touched.
 */
export async function refreshSegmentsFor(input: RefreshSegmentsInput): Promise<MembershipChange[]> {
  const { db, shopId, customerIds, now } = input;
  if (!customerIds.length) return [];
  const segments = (
    await db.segment.findMany({
      where: { shopId, archivedAt: null, ...(input.segmentIds ? { id: { in: [...input.segmentIds] } } : {}) },
      select: { id: true, definition: true },
      orderBy: { id: "asc" },
    })
  ).map((s) => ({ id: s.id, node: storedDefinition(s) }));
  if (!segments.length) return [];
  const ids = [...new Set(customerIds)];
  const changes: MembershipChange[] = [];
  for (let i = 0; i < ids.length; i += REFRESH_CHUNK) {
    const chunk = ids.slice(i, i + REFRESH_CHUNK);
    const found = await evaluateChunk({ db, shopId, segments, customerIds: chunk, now });
    changes.push(...(await applyChanges({ ...input, changes: found })));
  }
  return changes;
}

type Segment = { id: string; node: SegmentNode };

async function evaluateChunk({
  db,
  shopId,
  segments,
  customerIds,
  now,
}: {
  db: Db;
  shopId: string;
  segments: Segment[];
  customerIds: string[];
  now: Date;
}): Promise<MembershipChange[]> {
  const relations = new Map<string, RelationalCondition>();
  for (const s of segments) for (const c of conditionsOf(s.node)) if (isRelational(c)) relations.set(relationKey(c), c);
  const relationList = [...relations.entries()];
  const relationColumns = relationList.map(([, c], i) => sql`, ${relationSql(c, now)} AS ${raw(`"r${i}"`)}`);
  const memberColumns = segments.map(
    (s, i) =>
      sql`, EXISTS (SELECT 1 FROM "SegmentMembership" m WHERE m."segmentId" = ${s.id} AND m."customerId" = c."id") AS ${raw(`"m${i}"`)}`,
  );
  const rows = await db.$queryRaw<Record<string, unknown>[]>`
    SELECT c."id", c."shopId", c."smsConsent", c."phone", c."ordersCount", c."totalSpent", c."firstOrderAt",
      c."lastOrderAt", c."lastClickAt", c."lastInboundAt", c."countryCode", c."provinceCode", c."city",
      c."deletedAt", c."redactedAt"
      ${join([...relationColumns, ...memberColumns], "")}
    FROM "Customer" c
    WHERE c."shopId" = ${shopId} AND c."id" IN (${join(customerIds)})`;
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  const changes: MembershipChange[] = [];
  for (const customerId of customerIds) {
    const row = byId.get(customerId);
    if (!row) continue;
    const facts = customerFacts(row);
    const answers = new Map(relationList.map(([key, c], i) => [key, relationFact(c, row[`r${i}`])]));
    segments.forEach((s, i) => {
      const should = matchesFacts({ node: s.node, customer: facts, now, relation: (key) => answers.get(key) ?? null });
      if (should !== truthy(row[`m${i}`]))
        changes.push({ segmentId: s.id, customerId, change: should ? "ENTERED" : "LEFT" });
    });
  }
  return changes;
}

function relationFact(c: RelationalCondition, value: unknown): RelationFact {
  return c.type === "abandoned_checkout" ? toDate(value) : truthy(value);
}

// Raw results differ by database: SQLite answers EXISTS with 0/1 and a MAX over dates with
// the stored ISO text; PostgreSQL with booleans and Dates.
const truthy = (v: unknown) => v === true || v === 1 || v === 1n;

function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v;
  return new Date(typeof v === "bigint" ? Number(v) : (v as string | number));
}

function customerFacts(r: Record<string, unknown>): CustomerFacts {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    shopId: String(r.shopId),
    smsConsent: String(r.smsConsent) as CustomerFacts["smsConsent"],
    phone: text(r.phone),
    ordersCount: Number(r.ordersCount),
    totalSpent: Number(String(r.totalSpent)),
    firstOrderAt: toDate(r.firstOrderAt),
    lastOrderAt: toDate(r.lastOrderAt),
    lastClickAt: toDate(r.lastClickAt),
    lastInboundAt: toDate(r.lastInboundAt),
    countryCode: text(r.countryCode),
    provinceCode: text(r.provinceCode),
    city: text(r.city),
    deletedAt: toDate(r.deletedAt),
    redactedAt: toDate(r.redactedAt),
  };
}

/**
 * Another worker changed one of these memberships between our read and our write (the
 * same customer's events processed at once): nothing is written, and the refresh is run
 * again (by the job's retry, or by refreshCustomerSegments itself), which re-reads.
 * (segments/range-refresh's check; a refresh here keeps what it could apply, below.)
 */
export class MembershipRaced extends Error {
  constructor() {
    super("segment memberships changed concurrently; retry");
  }
}

const MEMBERSHIP_COLUMNS: Record<string, ColumnType> = {
  segmentId: "text",
  customerId: "text",
  shopId: "text",
  enteredAt: "timestamp",
};
const KEY_COLUMNS: Record<string, ColumnType> = { segmentId: "text", customerId: "text" };

type MembershipKey = { segmentId: string; customerId: string };
const keyOf = (m: MembershipKey) => `${m.segmentId}|${m.customerId}`;
const bySegmentThenCustomer = (a: MembershipKey, b: MembershipKey) =>
  a.segmentId < b.segmentId
    ? -1
    : a.segmentId > b.segmentId
      ? 1
      : a.customerId < b.customerId
        ? -1
        : a.customerId > b.customerId
          ? 1
          : 0;

/**
 * A diff in one transaction: a membership and its event and count move together or not at all.
 * Two refreshes of the same customers at once (two workers' batches of one shop) decide the same
 * change: the membership is inserted (or deleted) by whichever comes first, and the other's
 * statement skips it (ON CONFLICT DO NOTHING; a DELETE that finds no row), so only the changes
 * a refresh actually made get their event and count, and it returns those: one ENTERED or LEFT
 * event per change, without failing the batch. The rows go in (segmentId, customerId) order, so
 * two inserts wait on each other's rows in the same order on PostgreSQL instead of deadlocking.
 */
async function applyChanges({
  db,
  shopId,
  now,
  cause,
  causeRefs,
  changes,
}: RefreshSegmentsInput & { changes: MembershipChange[] }): Promise<MembershipChange[]> {
  if (!changes.length) return [];
  const entered = changes.filter((c) => c.change === "ENTERED").sort(bySegmentThenCustomer);
  const left = changes.filter((c) => c.change === "LEFT").sort(bySegmentThenCustomer);
  return db.$transaction(async (tx) => {
    const run = prismaRunner(tx as Db);
    const inserted = entered.length
      ? await run.query<MembershipKey>(sql`
          INSERT INTO "SegmentMembership" ("segmentId", "customerId", "shopId", "enteredAt")
          SELECT "segmentId", "customerId", "shopId", "enteredAt"
          FROM ${boundRows(
            MEMBERSHIP_COLUMNS,
            entered.map((c) => ({ segmentId: c.segmentId, customerId: c.customerId, shopId, enteredAt: now })),
          )} AS v
          WHERE true
          ON CONFLICT ("segmentId", "customerId") DO NOTHING
          RETURNING "segmentId", "customerId"`)
      : [];
    const deleted = left.length
      ? await run.query<MembershipKey>(sql`
          DELETE FROM "SegmentMembership"
          WHERE "shopId" = ${shopId} AND ("segmentId", "customerId") IN (
            SELECT "segmentId", "customerId" FROM ${boundRows(
              KEY_COLUMNS,
              left.map((c) => ({ segmentId: c.segmentId, customerId: c.customerId })),
            )} AS v)
          RETURNING "segmentId", "customerId"`)
      : [];
    const made = new Set([...inserted, ...deleted].map(keyOf));
    const applied = changes.filter((c) => made.has(keyOf(c)));
    if (!applied.length) return [];
    await tx.segmentMembershipEvent.createMany({
      data: applied.map((c) => ({
        shopId,
        segmentId: c.segmentId,
        customerId: c.customerId,
        change: c.change,
        at: now,
        cause: cause.cause,
        causeRef: causeRefs?.get(c.customerId) ?? cause.ref ?? null,
      })),
    });
    const delta = new Map<string, number>();
    for (const c of applied) delta.set(c.segmentId, (delta.get(c.segmentId) ?? 0) + (c.change === "ENTERED" ? 1 : -1));
    const moved = [...delta].filter(([, d]) => d !== 0);
    if (moved.length) {
      // Integer literals, not bound: PostgreSQL cannot type a bare parameter inside CASE.
      const cases = moved.map(([id, d]) => sql`WHEN ${id} THEN ${raw(String(Math.trunc(d)))}`);
      await tx.$executeRaw`UPDATE "Segment" SET "memberCount" = "memberCount" + CASE "id" ${join(cases, " ")} ELSE 0 END
        WHERE "id" IN (${join(moved.map(([id]) => id))})`;
    }
    return applied;
  });
}
