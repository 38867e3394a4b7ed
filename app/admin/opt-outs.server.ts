import { z } from "zod";
import type { Db } from "../db.server";
import type { AppServices } from "../services";
import { confirmPossibleOptOut, dismissPossibleOptOut } from "../messaging/inbound.server";
import { maskPhone } from "../contacts/mask-phone";

/**
 * The "possible opt-outs" review list: replies the classifier could not call certain
 * ("please stop", "wrong number"). The FCC's rule (47 CFR 64.1200(a)(10)) asks for any
 * reasonable request to be honoured within ten business days, so the page shows how long
 * each has waited, oldest first.
 */
export async function possibleOptOuts(db: Db, shopId: string) {
  const rows = await db.message.findMany({
    where: { shopId, direction: "INBOUND", purpose: "possible_opt_out" },
    orderBy: { createdAt: "asc" },
    take: 200,
    select: { id: true, phone: true, body: true, sentAt: true, createdAt: true, customerId: true },
  });
  return rows.map((r) => ({
    id: r.id,
    phone: maskPhone(r.phone),
    body: r.body,
    at: r.sentAt ?? r.createdAt,
    customerId: r.customerId,
  }));
}

export const ReviewForm = z.object({
  intent: z.enum(["confirm", "dismiss"]),
  messageId: z.string().min(1),
});

/** One click: confirm (opt out as of when the shopper wrote, one confirmation text) or dismiss (an ordinary reply). */
export async function reviewPossibleOptOut(
  deps: AppServices,
  shopId: string,
  fields: Record<string, string>,
): Promise<{ ok: boolean; notice: string }> {
  const parsed = ReviewForm.safeParse(fields);
  if (!parsed.success) return { ok: false, notice: "Unknown action" };
  const { intent, messageId } = parsed.data;
  switch (intent) {
    case "confirm":
      return (await confirmPossibleOptOut(deps, shopId, messageId))
        ? { ok: true, notice: "Opted out. The shopper gets one confirmation text and nothing more." }
        : { ok: false, notice: "Already handled." };
    case "dismiss":
      return (await dismissPossibleOptOut(deps.db, shopId, messageId))
        ? { ok: true, notice: "Kept as an ordinary reply." }
        : { ok: false, notice: "Already handled." };
    default:
      return intent satisfies never;
  }
}
