import { isValidTwilioSignature } from "./providers/twilio-signature";

/**
 * Reads a Twilio callback (form-encoded POST) and checks its X-Twilio-Signature against the
 * URL Twilio was given, i.e. on the app's public origin (the request may reach us through
 * a proxy under another host). Returns the parameters, or null when the signature is wrong.
 */
export async function readSignedTwilioRequest(
  request: Request,
  appUrl: string,
  authToken: string,
): Promise<Record<string, string> | null> {
  const url = new URL(request.url);
  const publicUrl = `${appUrl.replace(/\/$/, "")}${url.pathname}${url.search}`;
  const params = Object.fromEntries(new URLSearchParams(await request.text()));
  return isValidTwilioSignature(authToken, publicUrl, params, request.headers.get("X-Twilio-Signature"))
    ? params
    : null;
}

export const twiml = (status = 200) =>
  new Response('<?xml version="1.0" encoding="UTF-8"?><Response></Response>', {
    status,
    headers: { "Content-Type": "text/xml" },
  });
