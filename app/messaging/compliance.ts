import { hasOptOutInstruction } from "./keywords";

/**
 * What every outgoing marketing text must carry, applied at send time so a template can't
 * leave it out: sender identification, opt-out instructions in the first message to a
 * shopper, and country rules on the body.
 */
export const OPT_OUT_TEXT = "Reply STOP to opt out.";
/** Malaysia: free promotional SMS must start with this (rules table: messaging/rules). */
export const MALAYSIA_PREFIX = "RM0.00";

export interface ComposeInput {
  body: string;
  senderName: string;
  purpose: "marketing" | "compliance" | "transactional";
  /** No earlier marketing message was sent to this shopper. */
  firstMessage: boolean;
  /** The country of the number texted (its calling code), not of an address: +60 is Malaysia wherever the shopper lives. */
  numberCountry: string | null;
}

export function composeBody(c: ComposeInput): string {
  if (c.purpose === "compliance") return c.body; // STOP / HELP replies are sent as written
  let body = c.body.trim();
  const sender = c.senderName.trim();
  if (sender && !body.toLowerCase().startsWith(`${sender.toLowerCase()}:`)) body = `${sender}: ${body}`;
  // "STOP by our store" is no instruction: only "Reply STOP…" (or the like) spares the line.
  if (c.purpose === "marketing" && c.firstMessage && !hasOptOutInstruction(body)) body = `${body} ${OPT_OUT_TEXT}`;
  if (c.purpose === "marketing" && c.numberCountry === "MY" && !body.startsWith(MALAYSIA_PREFIX))
    body = `${MALAYSIA_PREFIX} ${body}`;
  return body;
}
