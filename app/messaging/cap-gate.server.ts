import type { Db } from "../db.server";
import { HOUR } from "../clock";
import type { Cap } from "./rules";
import { Prisma } from "../generated/sqlite/client";
import { typedValue } from "../db/update-rows.server";
import { asDate, valueList } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";

export interface CapQuestion {
  messageId: string;
  recipient: { customerId: string } | { phone: string | null };
  caps: readonly Cap[];
}

/**
 * Marketing texts already on their way to a recipient in each cap's period (the merchant's
 * and every rule's, e.g. Florida's 3 in 24 h). The first cap that is full defers the text
 * until its oldest text leaves the period. Counted under the recipient's send lock
 * (messaging/recipient-lock), so two workers can't both see room for one more.
 */
export async function checkCaps(
  db: Db,
  q: CapQuestion & { shopId: string; now: Date },
): Promise<{ until: Date | null; detail: string }> {
  return (await checkCapsBatch(db, { shopId: q.shopId, now: q.now, questions: [q] }))[0]!;
}

/** A shop's recipients whose recent marketing texts the caps count (the longest cap's period). */
export interface RecentAsk {
  shopId: string;
  now: Date;
  customerIds: string[];
  phones: string[];
  hours: number;
}

export interface RecentText {
  id: string;
  customerId: string | null;
  phone: string | null;
  sentAt: Date;
}

/**
 * `checkCaps` for many texts of one shop (batch dispatch): the recent marketing texts of every
 * recipient in the batch in one query (the longest cap's period), then each cap counted per
 * text in memory, exactly as the single question counts them. `read` is asked exactly once,
 * even with nothing to count (batch dispatch makes it one statement for every shop of a batch:
 * messaging/lockstep).
 */
export async function checkCapsBatch(
  db: Db,
  b: { shopId: string; now: Date; questions: CapQuestion[]; read?: (ask: RecentAsk) => Promise<RecentText[]> },
): Promise<{ until: Date | null; detail: string }[]> {
  const longest = Math.max(0, ...b.questions.flatMap((q) => q.caps.map((c) => c.hours)));
  const customerIds = b.questions.flatMap((q) => ("customerId" in q.recipient ? [q.recipient.customerId] : []));
  const phones = b.questions.flatMap((q) => ("phone" in q.recipient && q.recipient.phone ? [q.recipient.phone] : []));
  const ask = { shopId: b.shopId, now: b.now, customerIds, phones, hours: longest };
  const recent = await (b.read ?? (async (a: RecentAsk) => (await recentMarketing(db, [a]))[0]!))(ask);
  return b.questions.map((q) => {
    const theirs = recent.filter(
      (m) =>
        m.id !== q.messageId &&
        ("customerId" in q.recipient ? m.customerId === q.recipient.customerId : m.phone === q.recipient.phone),
    );
    const passed: string[] = [];
    for (const cap of q.caps) {
      const since = b.now.getTime() - cap.hours * HOUR;
      const inPeriod = theirs.filter((m) => m.sentAt.getTime() > since).slice(0, cap.count);
      if (inPeriod.length >= cap.count) {
        const until = new Date(inPeriod[0]!.sentAt.getTime() + cap.hours * HOUR);
        return {
          until,
          detail: `${inPeriod.length} marketing SMS in ${cap.hours} h (${cap.by}); next slot ${until.toISOString()}`,
        };
      }
      passed.push(`${inPeriod.length} of ${cap.count} in ${cap.hours} h (${cap.by})`);
    }
    return { until: null, detail: passed.join("; ") };
  });
}

/**
 * The marketing texts on their way to each ask's recipients in its last `hours`, oldest first:
 * one statement for every shop asking (one ask per shop: its own recipients and period), in raw SQL on
 * the driver adapter (Prisma compiles every statement anew: messaging/dispatch-reads).
 */
export async function recentMarketing(db: Db, asks: RecentAsk[]): Promise<RecentText[][]> {
  const shops = asks.flatMap((a) => {
    const who = [
      ...(a.customerIds.length ? [Prisma.sql`"customerId" IN (${valueList(a.customerIds)})`] : []),
      ...(a.phones.length ? [Prisma.sql`"phone" IN (${valueList(a.phones)})`] : []),
    ];
    if (who.length === 0 || a.hours <= 0) return [];
    const since = typedValue(new Date(a.now.getTime() - a.hours * HOUR), "timestamp");
    return [Prisma.sql`("shopId" = ${a.shopId} AND (${Prisma.join(who, " OR ")}) AND "sentAt" > ${since})`];
  });
  if (shops.length === 0) return asks.map(() => []);
  const rows = await sqlOn(db).query<{
    shopId: string;
    id: string;
    customerId: string | null;
    phone: string | null;
    sentAt: Date | string;
  }>(
    Prisma.sql`
    SELECT "shopId", "id", "customerId", "phone", "sentAt" FROM "Message"
    WHERE (${Prisma.join(shops, " OR ")}) AND "purpose" = 'marketing'
      AND "direction" = 'OUTBOUND' AND "status" IN ('SENDING', 'SENT', 'DELIVERED')
    ORDER BY "sentAt" ASC`,
  );
  const byShop = new Map<string, RecentText[]>();
  for (const { shopId, ...r } of rows) {
    const text = { ...r, sentAt: asDate(r.sentAt) };
    const list = byShop.get(shopId);
    if (list) list.push(text);
    else byShop.set(shopId, [text]);
  }
  return asks.map((a) => byShop.get(a.shopId) ?? []);
}
