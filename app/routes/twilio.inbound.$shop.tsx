import type { ActionFunctionArgs } from "@remix-run/node";
import db from "../db.server";
import { handleInbound } from "../messaging/inbound.server";
import { appUrl, services, providers } from "../runtime/services.server";
import { readSignedTwilioRequest, twiml } from "../messaging/twilio-request.server";

// Inbound SMS for a shop's Twilio number (configure the number's webhook to
// <app>/twilio/inbound/<shop>.myshopify.com). Signed by Twilio with the shop's auth token.
export async function action({ request, params }: ActionFunctionArgs) {
  const shop = await db.shop.findUnique({ where: { domain: params.shop ?? "" }, include: { settings: true } });
  if (!shop || shop.settings?.provider !== "twilio" || !shop.settings.providerCredentialsEnc)
    return new Response("unknown shop", { status: 404 });
  const { authToken } = await providers.twilioCredentials(shop.id, shop.settings.providerCredentialsEnc);
  const signed = await readSignedTwilioRequest(request, appUrl(), authToken);
  if (!signed.ok) return signed.response;
  const form = signed.params;
  if (!form.From || form.Body === undefined || !form.MessageSid)
    return new Response("From, Body and MessageSid are required", { status: 400 });
  await handleInbound({ ...services(), providers }, shop.id, {
    from: form.From,
    body: form.Body,
    providerMessageId: form.MessageSid,
  });
  return twiml(); // replies go out through the dispatcher, not TwiML
}
