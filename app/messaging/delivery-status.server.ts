import type { Db } from "../db.server";

/** Twilio's message statuses, in the order a message moves through them. */
const RANK: Record<string, number> = {
  accepted: 1,
  queued: 1,
  sending: 2,
  sent: 3,
  delivered: 4,
  undelivered: 4,
  failed: 4,
  read: 5,
};

/**
 * What a status callback row keeps of Twilio's parameters: ids, status, error and the carrier's
 * delivery time. Not `To`, `From`, `Body` or anything else: the shopper's number and the text
 * are personal data and are already on the message (where customers/redact erases them).
 * Parameters per Twilio's status callback reference and its 2023-02-14 changelog (RawDlrDoneDate).
 */
export const KEPT_CALLBACK_PARAMS = [
  "MessageSid",
  "SmsSid",
  "MessageStatus",
  "SmsStatus",
  "AccountSid",
  "MessagingServiceSid",
  "ApiVersion",
  "ErrorCode",
  "ErrorMessage",
  "RawDlrDoneDate",
] as const;

const keptOf = (params: Record<string, string>) =>
  Object.fromEntries(KEPT_CALLBACK_PARAMS.filter((k) => k in params).map((k) => [k, params[k]]));

/**
 * A status callback for one of our messages: every callback is kept as a DeliveryEvent;
 * the message's own status only moves forward (callbacks can arrive out of order).
 */
export async function recordDeliveryStatus({
  db,
  messageId,
  params,
  now,
}: {
  db: Db;
  messageId: string;
  params: Record<string, string>;
  now: Date;
}): Promise<boolean> {
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: { id: true, status: true, providerMessageId: true },
  });
  if (!message) return false;
  const status = (params.MessageStatus ?? params.SmsStatus ?? "").toLowerCase();
  await db.deliveryEvent.create({
    data: { messageId, status, errorCode: params.ErrorCode || null, at: now, raw: keptOf(params) },
  });
  const current = message.status === "DELIVERED" ? 4 : message.status === "FAILED" ? 4 : 3;
  if ((RANK[status] ?? 0) < 4 || current >= 4) return true;
  await db.message.update({
    where: { id: messageId },
    data:
      status === "delivered"
        ? { status: "DELIVERED", deliveredAt: now }
        : {
            status: "FAILED",
            error: `${status}${params.ErrorCode ? ` (error ${params.ErrorCode})` : ""}`,
            errorClass: "permanent",
          },
  });
  return true;
}
