import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { driverTransaction, type SqlRunner } from "../db/driver.server";
import { isPostgres, typedValue } from "../db/update-rows.server";
import { storedDefinition } from "./definition";
import { CAUSES_WITHOUT_FLOWS, type MembershipCause } from "./membership.server";
import { segmentPredicate } from "./predicate.server";
import { MembershipRaced, refreshSegmentsFor } from "./refresh.server";

const { empty, raw, sql } = Prisma;
type Sql = Prisma.Sql;

/** A slice of a shop's customers by id: after `after` (exclusive), up to `through` (inclusive); open ends are the shop's ends. */
export interface CustomerRange {
  after: string | null;
  through: string | null;
}

/**
 * Re-evaluates segments for every customer of a shop in an id range inside the database, for
 * the day-one sync's pass over a whole store: per segment, its definition as one SQL condition
 * (segmentPredicate) in a few statements over the range — the memberships inserted and deleted,
 * each with its ENTERED or LEFT events (one statement each on PostgreSQL, two on SQLite) — and its
 * member count, all segments in one transaction. The same memberships, events and counts as refreshSegmentsFor over the range's
 * customers (which fetches each customer's facts and decides in memory, ~1 s per 500 customers
 * on the bench machine), without a customer's row leaving the database.
 *
 * Events of a cause that starts no flow (CAUSES_WITHOUT_FLOWS) are written already handled, as
 * the flow engine would mark them. A segment whose definition SQL cannot say exactly (a city)
 * is refreshed the in-memory way for the range's customers. Another writer changing one of
 * these memberships meanwhile: on PostgreSQL its change stands with its own event; on SQLite the
 * counts disagree and nothing is written (MembershipRaced), and the caller's retry re-reads.
 */
export async function refreshSegmentsInRange({
  db,
  shopId,
  segmentIds,
  range,
  now,
  cause,
}: {
  db: Db;
  shopId: string;
  segmentIds: readonly string[];
  range: CustomerRange;
  now: Date;
  cause: MembershipCause;
}): Promise<void> {
  const segments = await db.segment.findMany({
    where: { shopId, archivedAt: null, id: { in: [...segmentIds] } },
    select: { id: true, definition: true },
    orderBy: { id: "asc" },
  });
  const inMemory: string[] = [];
  const inDatabase: { id: string; predicate: Sql }[] = [];
  for (const s of segments) {
    const predicate = segmentPredicate(storedDefinition(s), now);
    if (predicate) inDatabase.push({ id: s.id, predicate });
    else inMemory.push(s.id);
  }
  const customers = customersIn(shopId, range);
  if (inDatabase.length)
    await driverTransaction(db, async (run) => {
      for (const s of inDatabase) await applySegment({ run, segment: s, customers, now, cause });
    });
  if (inMemory.length) {
    const ids = await db.$queryRaw<
      { id: string }[]
    >`SELECT c."id" FROM "Customer" c WHERE ${customers} ORDER BY c."id"`;
    await refreshSegmentsFor({ db, shopId, customerIds: ids.map((r) => r.id), segmentIds: inMemory, now, cause });
    if (CAUSES_WITHOUT_FLOWS.includes(cause.cause))
      await db.segmentMembershipEvent.updateMany({
        where: {
          shopId,
          flowsHandledAt: null,
          segmentId: { in: inMemory },
          cause: cause.cause,
          causeRef: cause.ref ?? null,
        },
        data: { flowsHandledAt: now },
      });
  }
}

/** The range's customers as a condition on `c`. */
function customersIn(shopId: string, { after, through }: CustomerRange): Sql {
  return sql`c."shopId" = ${shopId} ${after === null ? empty : sql`AND c."id" > ${after}`}
    ${through === null ? empty : sql`AND c."id" <= ${through}`}`;
}

async function applySegment({
  run,
  segment,
  customers,
  now,
  cause,
}: {
  run: SqlRunner;
  segment: { id: string; predicate: Sql };
  customers: Sql;
  now: Date;
  cause: MembershipCause;
}): Promise<void> {
  const pg = isPostgres();
  const { id, predicate } = segment;
  // Those leaving are looked for among the members, so a first sync (no members) pays nothing for them.
  const members = sql`"SegmentMembership" m JOIN "Customer" c ON c."id" = m."customerId" WHERE m."segmentId" = ${id}`;
  // What flows read and merchants see: the change, when, and why (as refreshSegmentsFor records it).
  const event = (change: "ENTERED" | "LEFT", from: Sql) => sql`INSERT INTO "SegmentMembershipEvent"
      ("id", "shopId", "segmentId", "customerId", "change", "at", "cause", "causeRef", "flowsHandledAt")
    SELECT ${raw(pg ? `'s' || replace(gen_random_uuid()::text, '-', '')` : `'s' || lower(hex(randomblob(16)))`)},
      c."shopId", ${typedValue(id, "text")}, c."id", ${typedValue(change, { enum: "MembershipChange" })},
      ${typedValue(now, "timestamp")}, ${typedValue(cause.cause, "text")}, ${typedValue(cause.ref ?? null, "text")},
      ${typedValue(CAUSES_WITHOUT_FLOWS.includes(cause.cause) ? now : null, "timestamp")}
    FROM ${from}`;
  // ON CONFLICT, not NOT EXISTS: PostgreSQL's anti-join walked the index entries this very
  // statement had added (invisible to it, still in the index) for every customer, quadratic in
  // the members (12.9 s for 20,000 subscribers). A membership another writer added meanwhile is
  // skipped here.
  const insert = sql`INSERT INTO "SegmentMembership" ("segmentId", "customerId", "shopId", "enteredAt")
    SELECT ${typedValue(id, "text")}, c."id", c."shopId", ${typedValue(now, "timestamp")} FROM "Customer" c
    WHERE ${customers} AND ${predicate} ON CONFLICT ("segmentId", "customerId") DO NOTHING`;
  const remove = sql`DELETE FROM "SegmentMembership" WHERE "segmentId" = ${id}
    AND "customerId" IN (SELECT c."id" FROM ${members} AND ${customers} AND NOT ${predicate})`;
  const { inserted, deleted } = pg
    ? await withEvents({ run, insert, remove, event })
    : await thenEvents({
        run,
        insert,
        remove,
        event,
        entering: sql`"Customer" c WHERE ${customers} AND ${predicate}`,
        leaving: sql`${members} AND ${customers} AND NOT ${predicate}`,
        id,
      });
  if (inserted !== deleted)
    await run.execute(
      sql`UPDATE "Segment" SET "memberCount" = "memberCount" + ${inserted - deleted} WHERE "id" = ${id}`,
    );
}

interface MembershipWrites {
  run: SqlRunner;
  insert: Sql;
  remove: Sql;
  /** The events' INSERT … SELECT from a relation `c` of customers (id, shopId). */
  event: (change: "ENTERED" | "LEFT", from: Sql) => Sql;
}

/**
 * PostgreSQL: each change and its events in one statement, the rows the write returns being the
 * events, so they agree by construction, even beside another writer. A NOT EXISTS over the
 * segment's members instead, planned with statistics from before this pass added them (a new
 * segment's backfill: none), was a nested loop over all of them for every customer of the range,
 * quadratic over the batches (1.8 s for the seventh batch of 5,000 at 100k customers).
 */
async function withEvents({ run, insert, remove, event }: MembershipWrites) {
  const changed = (write: Sql) => sql`WITH changed AS (${write} RETURNING "customerId" AS "id", "shopId") `;
  const inserted = await run.execute(sql`${changed(insert)} ${event("ENTERED", sql`changed c`)}`);
  const deleted = await run.execute(sql`${changed(remove)} ${event("LEFT", sql`changed c`)}`);
  return { inserted, deleted };
}

/**
 * SQLite (no writes in a WITH): the events first, from who is entering and leaving, then the
 * changes; another writer that changed one of these memberships meanwhile makes the counts
 * disagree, and nothing is kept (MembershipRaced rolls the transaction back).
 */
async function thenEvents({
  run,
  insert,
  remove,
  event,
  entering,
  leaving,
  id,
}: MembershipWrites & { entering: Sql; leaving: Sql; id: string }) {
  const member = sql`EXISTS (SELECT 1 FROM "SegmentMembership" m WHERE m."segmentId" = ${id} AND m."customerId" = c."id")`;
  const entered = await run.execute(sql`${event("ENTERED", entering)} AND NOT ${member}`);
  const left = await run.execute(event("LEFT", leaving));
  const deleted = await run.execute(remove);
  const inserted = await run.execute(insert);
  if (inserted !== entered || deleted !== left) throw new MembershipRaced();
  return { inserted, deleted };
}
