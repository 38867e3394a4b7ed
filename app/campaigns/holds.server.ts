import type { Db } from "../db.server";
import { HOUR } from "../clock";
import { isAllowed, sendingWindows } from "../messaging/quiet-hours";

/**
 * Of a campaign's eligible recipients (consent + valid number), how many the send-time
 * gates would hold if it went out at `at`: those in quiet hours in their own time zone,
 * and those already at the frequency cap. Held texts still go, later. Counted in the
 * database (grouped by zone and country; capped shoppers by a grouped count), so it stays
 * cheap for large segments.
 */
export async function estimateHolds(db: Db, shopId: string, segmentId: string, at: Date) {
  const shop = await db.shop.findUniqueOrThrow({ where: { id: shopId }, include: { settings: true } });
  const settings = shop.settings!;
  const recipients = {
    shopId,
    smsConsent: "SUBSCRIBED" as const,
    phone: { not: null },
    deletedAt: null,
    redactedAt: null,
    memberships: { some: { segmentId } },
  };
  const zones = await db.customer.groupBy({
    by: ["timeZone", "countryCode"],
    where: recipients,
    _count: { _all: true },
  });
  const quietHours = zones
    .filter((z) => !isAllowed(at, z.timeZone ?? shop.ianaTimezone, sendingWindows(settings, z.countryCode)))
    .reduce((n, z) => n + z._count._all, 0);
  const capped = await db.message.groupBy({
    by: ["customerId"],
    where: {
      shopId,
      direction: "OUTBOUND",
      purpose: "marketing",
      status: { in: ["SENDING", "SENT", "DELIVERED"] },
      sentAt: { gt: new Date(at.getTime() - settings.frequencyCapHours * HOUR), lte: at },
      customer: recipients,
    },
    having: { customerId: { _count: { gte: settings.frequencyCapCount } } },
  });
  return { quietHours, frequencyCap: capped.length };
}
