import type { Db } from "../db.server";
import { DAY, MINUTE } from "../clock";
import { ABANDONED_MAX_DAYS, conditionsOf, storedDefinition, type Condition } from "./definition";
import type { MembershipChange } from "./membership.server";
import { refreshSegmentsFor } from "./refresh.server";
import { assertUnreachable } from "../assert-unreachable";

/** The first sweep of a shop looks back this far for boundaries crossed before it. */
const FIRST_SWEEP_LOOKBACK = 3650 * DAY;

/**
 * Applies time-based rules ("lapsed" after N days, "abandoned" after N minutes, ...) that
 * become true with no event. Each rule has a boundary (a timestamp column plus a duration);
 * only customers whose boundary fell between the previous sweep and now are re-evaluated,
 * found through indexed range queries, so a sweep's cost follows the number of customers
 * crossing a boundary, not the size of the shop.
 */
export async function sweepShop(
  db: Db,
  shopId: string,
  now: Date,
): Promise<{ evaluated: number; changes: MembershipChange[] }> {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, select: { segmentsSweptAt: true } });
  const from = shop.segmentsSweptAt ?? new Date(now.getTime() - FIRST_SWEEP_LOOKBACK);
  const segments = await db.segment.findMany({ where: { shopId, archivedAt: null }, select: { definition: true } });
  const conditions = segments.flatMap((s) => conditionsOf(storedDefinition(s)));

  const candidates = new Set<string>();
  for (const window of boundaryWindows(conditions)) {
    const lo = new Date(from.getTime() - window.durationMs);
    const hi = new Date(now.getTime() - window.durationMs);
    for (const id of await window.customersCrossing({ db, shopId, lo, hi })) candidates.add(id);
  }
  // Every candidate at once: one evaluation query and one write transaction per REFRESH_CHUNK customers.
  const changes = await refreshSegmentsFor({
    db,
    shopId,
    customerIds: [...candidates],
    now,
    cause: { cause: "time", ref: "sweep" },
  });
  await db.shop.update({ where: { id: shopId }, data: { segmentsSweptAt: now } });
  return { evaluated: candidates.size, changes };
}

interface BoundaryWindow {
  durationMs: number;
  /** Customers whose boundary fell in (lo, hi]. */
  customersCrossing(range: { db: Db; shopId: string; lo: Date; hi: Date }): Promise<string[]>;
}

const byColumn = (
  column: "firstOrderAt" | "lastOrderAt" | "lastClickAt" | "lastInboundAt",
  durationMs: number,
): BoundaryWindow => ({
  durationMs,
  customersCrossing: async ({ db, shopId, lo, hi }) =>
    (await db.customer.findMany({ where: { shopId, [column]: { gt: lo, lte: hi } }, select: { id: true } })).map(
      (c) => c.id,
    ),
});

const byCheckoutAge = (durationMs: number): BoundaryWindow => ({
  durationMs,
  customersCrossing: async ({ db, shopId, lo, hi }) =>
    (
      await db.checkout.findMany({
        where: { shopId, completedAt: null, customerId: { not: null }, shopifyUpdatedAt: { gt: lo, lte: hi } },
        select: { customerId: true },
      })
    ).map((c) => c.customerId!),
});

function boundaryWindows(conditions: Condition[]): BoundaryWindow[] {
  const windows = new Map<string, BoundaryWindow>();
  const add = (key: string, w: () => BoundaryWindow) => windows.has(key) || windows.set(key, w());
  for (const c of conditions) {
    switch (c.type) {
      case "new_customer":
        add(`first:${c.days}`, () => byColumn("firstOrderAt", c.days * DAY));
        break;
      case "active":
      case "lapsed":
        add(`last:${c.days}`, () => byColumn("lastOrderAt", c.days * DAY));
        break;
      case "clicked_within":
        add(`click:${c.days}`, () => byColumn("lastClickAt", c.days * DAY));
        break;
      case "replied_within":
        add(`reply:${c.days}`, () => byColumn("lastInboundAt", c.days * DAY));
        break;
      case "abandoned_checkout":
        add(`abandon:${c.minutes}`, () => byCheckoutAge(c.minutes * MINUTE));
        add(`abandon-expire`, () => byCheckoutAge(ABANDONED_MAX_DAYS * DAY));
        break;
      // Event-driven only: an incoming webhook or reply changes them, never the passage of time.
      case "sms_subscribed":
      case "opted_out":
      case "orders_count":
      case "total_spent":
      case "never_purchased":
      case "restock_watcher":
      case "never_clicked":
      case "location":
      case "purchased":
        break;
      default:
        assertUnreachable(c, "condition type");
    }
  }
  return [...windows.values()];
}
