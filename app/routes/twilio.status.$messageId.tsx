import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { recordDeliveryStatus } from "../messaging/delivery-status.server";
import { appUrl, providers, clock } from "../runtime/services.server";
import { readSignedTwilioRequest } from "../messaging/twilio-request.server";

// Twilio status callbacks for one of our messages (the StatusCallback URL set on send).
// An unknown message answers 404; a shop that no longer has Twilio configured answers 403
// (nothing can verify the signature), never 500, which Twilio would retry.
export async function action({ request, params }: ActionFunctionArgs) {
  const message = await db.message.findUnique({
    where: { id: params.messageId ?? "" },
    select: { id: true, shopId: true, shop: { select: { settings: true } } },
  });
  if (!message) return new Response("unknown message", { status: 404 });
  const settings = message.shop.settings;
  if (settings?.provider !== "twilio" || !settings.providerCredentialsEnc)
    return new Response("Twilio is not configured for this shop", { status: 403 });
  const { authToken } = await providers.twilioCredentials(message.shopId, settings.providerCredentialsEnc);
  const signed = await readSignedTwilioRequest(request, appUrl(), authToken);
  if (!signed.ok) return signed.response;
  await recordDeliveryStatus({ db, messageId: message.id, params: signed.params, now: clock.now() });
  return new Response(null, { status: 204 });
}
