import type { Db } from "../db.server";
import { HOUR } from "../clock";
import type { Cap } from "./rules";

/**
 * Marketing texts already on their way to a recipient in each cap's period (the merchant's
 * and every rule's, e.g. Florida's 3 in 24 h). The first cap that is full defers the text
 * until its oldest text leaves the period. Counted under the recipient's send lock
 * (messaging/recipient-lock), so two workers can't both see room for one more.
 */
export async function checkCaps(
  db: Db,
  q: {
    shopId: string;
    messageId: string;
    recipient: { customerId: string } | { phone: string | null };
    caps: readonly Cap[];
    now: Date;
  },
): Promise<{ until: Date | null; detail: string }> {
  const passed: string[] = [];
  for (const cap of q.caps) {
    const since = new Date(q.now.getTime() - cap.hours * HOUR);
    const recent = await db.message.findMany({
      where: {
        shopId: q.shopId,
        ...q.recipient,
        purpose: "marketing",
        direction: "OUTBOUND",
        id: { not: q.messageId },
        sentAt: { gt: since },
        status: { in: ["SENDING", "SENT", "DELIVERED"] },
      },
      orderBy: { sentAt: "asc" },
      select: { sentAt: true },
      take: cap.count,
    });
    if (recent.length >= cap.count) {
      const until = new Date(recent[0]!.sentAt!.getTime() + cap.hours * HOUR);
      return {
        until,
        detail: `${recent.length} marketing SMS in ${cap.hours} h (${cap.by}); next slot ${until.toISOString()}`,
      };
    }
    passed.push(`${recent.length} of ${cap.count} in ${cap.hours} h (${cap.by})`);
  }
  return { until: null, detail: passed.join("; ") };
}
