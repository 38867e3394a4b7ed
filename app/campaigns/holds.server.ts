import type { Db } from "../db.server";
import { HOUR } from "../clock";
import { isAllowed } from "../messaging/quiet-hours";
import { effectiveLimits, rulesFor } from "../messaging/rules";

/**
 * Of a campaign's eligible recipients (consent + valid number), how many the send-time
 * gates would hold if it went out at `at`: those in quiet hours in their own time zone,
 * and those already at the frequency cap. Held texts still go, later. Counted in the
 * database (grouped by zone, country and state; capped shoppers by a grouped count), so it
 * stays cheap for large segments. An estimate: it uses each shopper's best zone and address
 * state, where the send-time gate also weighs every candidate zone and the number's state.
 */
export async function estimateHolds({
  db,
  shopId,
  segmentId,
  at,
}: {
  db: Db;
  shopId: string;
  segmentId: string;
  at: Date;
}) {
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
    by: ["timeZone", "countryCode", "provinceCode"],
    where: recipients,
    _count: { _all: true },
  });
  const quietHours = zones
    .filter((z) => {
      const rules = z.countryCode ? rulesFor([{ country: z.countryCode, state: z.provinceCode }]) : [];
      return !isAllowed(at, z.timeZone ?? shop.ianaTimezone, effectiveLimits(settings, rules).windows);
    })
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
