import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { systemClock } from "../clock";
import { recordDeliveryStatus } from "../messaging/delivery-status.server";
import { appUrl, providers } from "../runtime/services.server";
import { readSignedTwilioRequest } from "../messaging/twilio-request.server";

// Twilio status callbacks for one of our messages (the StatusCallback URL set on send).
export async function action({ request, params }: ActionFunctionArgs) {
  const message = await db.message.findUnique({
    where: { id: params.messageId ?? "" },
    select: { id: true, shopId: true },
  });
  if (!message) return new Response("unknown message", { status: 404 });
  const { authToken } = await providers.twilioCredentials(message.shopId);
  const form = await readSignedTwilioRequest(request, appUrl(), authToken);
  if (!form) return new Response("invalid signature", { status: 403 });
  await recordDeliveryStatus(db, message.id, form, systemClock.now());
  return new Response(null, { status: 204 });
}
