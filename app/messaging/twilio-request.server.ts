import { BODY_LIMITS, payloadTooLarge, readBoundedBody } from "../http/bounded-body.server";
import { isValidTwilioSignature } from "../sms/twilio-signature";

export type SignedTwilioRequest = { ok: true; params: Record<string, string> } | { ok: false; response: Response };

/**
 * Reads a Twilio callback (form-encoded POST) and checks its X-Twilio-Signature against the
 * URL Twilio was given, i.e. on the app's public origin (the request may reach us through
 * a proxy under another host). The body is read with a byte limit (BODY_LIMITS.twilio):
 * past it the answer is 413 and the rest is never read. A wrong signature answers 403.
 */
export async function readSignedTwilioRequest(
  request: Request,
  appUrl: string,
  authToken: string,
): Promise<SignedTwilioRequest> {
  const body = await readBoundedBody(request, BODY_LIMITS.twilio);
  if (!body.ok) return { ok: false, response: payloadTooLarge(body.limit) };
  const url = new URL(request.url);
  const publicUrl = `${appUrl.replace(/\/$/, "")}${url.pathname}${url.search}`;
  const params = Object.fromEntries(new URLSearchParams(body.text));
  return isValidTwilioSignature({
    authToken,
    url: publicUrl,
    params,
    signature: request.headers.get("X-Twilio-Signature"),
  })
    ? { ok: true, params }
    : { ok: false, response: new Response("invalid signature", { status: 403 }) };
}

export const twiml = (status = 200) =>
  new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', {
    status,
    headers: { "Content-Type": "text/xml" },
  });
