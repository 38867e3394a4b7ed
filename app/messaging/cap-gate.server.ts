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

/**
 * `checkCaps` for many texts of one shop (batch dispatch): the recent marketing texts of every
 * recipient in the batch in one query (the longest cap's period), then each cap counted per
 * text in memory, exactly as the single question counts them.
 */
export async function checkCapsBatch(
  db: Db,
  b: { shopId: string; now: Date; questions: CapQuestion[] },
): Promise<{ until: Date | null; detail: string }[]> {
  const longest = Math.max(0, ...b.questions.flatMap((q) => q.caps.map((c) => c.hours)));
  if (b.questions.length === 0) return [];
  const customerIds = b.questions.flatMap((q) => ("customerId" in q.recipient ? [q.recipient.customerId] : []));
  const phones = b.questions.flatMap((q) => ("phone" in q.recipient && q.recipient.phone ? [q.recipient.phone] : []));
  const recent = longest ? await recentMarketing(db, { ...b, customerIds, phones, hours: longest }) : [];
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
 * The marketing texts on their way to these recipients in the last `hours`, oldest first, in
 * raw SQL on the driver adapter (Prisma compiles every statement anew: messaging/dispatch-reads).
 */
async function recentMarketing(
  db: Db,
  q: { shopId: string; now: Date; customerIds: string[]; phones: string[]; hours: number },
): Promise<{ id: string; customerId: string | null; phone: string | null; sentAt: Date }[]> {
  const who = [
    ...(q.customerIds.length ? [Prisma.sql`"customerId" IN (${valueList(q.customerIds)})`] : []),
    ...(q.phones.length ? [Prisma.sql`"phone" IN (${valueList(q.phones)})`] : []),
  ];
  if (who.length === 0) return [];
  const rows = await sqlOn(db).query<{
    id: string;
    customerId: string | null;
    phone: string | null;
    sentAt: Date | string;
  }>(
    Prisma.sql`
    SELECT "id", "customerId", "phone", "sentAt" FROM "Message"
    WHERE "shopId" = ${q.shopId} AND (${Prisma.join(who, " OR ")}) AND "purpose" = 'marketing'
      AND "direction" = 'OUTBOUND' AND "sentAt" > ${typedValue(new Date(q.now.getTime() - q.hours * HOUR), "timestamp")}
      AND "status" IN ('SENDING', 'SENT', 'DELIVERED')
    ORDER BY "sentAt" ASC`,
  );
  return rows.map((r) => ({ ...r, sentAt: asDate(r.sentAt) }));
}
