import type { Db } from "../db.server";
import { HOUR } from "../clock";
import type { Cap } from "./rules";

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
  const recent = longest
    ? await db.message.findMany({
        where: {
          shopId: b.shopId,
          OR: [
            ...(customerIds.length ? [{ customerId: { in: customerIds } }] : []),
            ...(phones.length ? [{ phone: { in: phones } }] : []),
          ],
          purpose: "marketing",
          direction: "OUTBOUND",
          sentAt: { gt: new Date(b.now.getTime() - longest * HOUR) },
          status: { in: ["SENDING", "SENT", "DELIVERED"] },
        },
        orderBy: { sentAt: "asc" },
        select: { id: true, customerId: true, phone: true, sentAt: true },
      })
    : [];
  return b.questions.map((q) => {
    const theirs = recent.filter(
      (m) =>
        m.id !== q.messageId &&
        ("customerId" in q.recipient ? m.customerId === q.recipient.customerId : m.phone === q.recipient.phone),
    );
    const passed: string[] = [];
    for (const cap of q.caps) {
      const since = b.now.getTime() - cap.hours * HOUR;
      const inPeriod = theirs.filter((m) => m.sentAt!.getTime() > since).slice(0, cap.count);
      if (inPeriod.length >= cap.count) {
        const until = new Date(inPeriod[0]!.sentAt!.getTime() + cap.hours * HOUR);
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
