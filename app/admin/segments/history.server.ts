import type { Db } from "../../db.server";
import { DAY } from "../../clock";
import { dayExpression } from "../dashboard.server";
import { memberSelect, shown } from "./members.server";

/** The segment page's entries-vs-exits chart covers this many days. */
export const HISTORY_DAYS = 14;

/** The latest membership changes, newest first, with the customer's name. */
export async function recentEvents({
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
export async function dailyHistory({
  db,
  shopId,
  segmentId,
  now,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  now: Date;
}) {
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
