/**
 * What a shopper's reply asks for. Since 2025-04-11 (FCC 24-24, 47 CFR 64.1200(a)(10)) a
 * revocation "by any reasonable means" must be honoured: the rule's own words ("stop",
 * "quit", "end", "revoke", "opt out", "cancel", "unsubscribe") and any wording a reasonable
 * person would read as a request to stop. So matching is on a normalised message (case,
 * punctuation, emoji and spacing removed) and on phrases, not on six exact words; replies
 * that may be an opt-out but are not clearly one go to the merchant ("possible_stop").
 */
export type InboundKind = "stop" | "possible_stop" | "start" | "join" | "help" | "yes" | "reply";

/** The rule's words plus the carriers' (CTIA) STOP family; whole message, first word or first two words. */
const STOP_WORDS = new Set([
  "STOP",
  "STOPALL",
  "STOP ALL",
  "UNSUBSCRIBE",
  "CANCEL",
  "END",
  "QUIT",
  "REVOKE",
  "OPTOUT",
  "OPT OUT",
]);
const START_WORDS = new Set(["START", "UNSTOP"]);
const HELP_WORDS = new Set(["HELP", "INFO"]);
/** A keyword sign-up for marketing texts: answered with "Reply Y to confirm" (confirmed opt-in). */
const JOIN_WORDS = new Set(["JOIN", "SUBSCRIBE"]);
const YES_WORDS = new Set(["YES", "Y"]);

/** Clear requests in other words: anywhere in the message. */
const STOP_PHRASES = [
  /\bSTOP (TEXTING|MESSAGING|SENDING|CONTACTING|TXTING|TEXT|MSG)\b/,
  /\bREMOVE ME\b/,
  /\bTAKE ME OFF\b/,
  /\bOPT ME OUT\b/,
  /\bUNSUBSCRIBE ME\b/,
  /\bDO ?N ?T (TEXT|MESSAGE|CONTACT|SMS|TXT)\b/,
  /\bDO NOT (TEXT|MESSAGE|CONTACT|SMS|TXT)\b/,
  /\bNO MORE (TEXTS|MESSAGES|TEXTING|SMS)\b/,
  /\bNO MAS\b/,
  /\bLEAVE ME ALONE\b/,
];

/** Might be a request to stop; a person decides (the admin's "possible opt-outs"). */
const POSSIBLE_STOP = [
  /\b(STOP|STOPALL|UNSUBSCRIBE|CANCEL|QUIT|REVOKE|OPTOUT|OPT OUT)\b/,
  /\bWRONG (NUMBER|PERSON)\b/,
  /\bNOT INTERESTED\b/,
  /\bSPAM\b/,
  /\b(PARAR|CANCELAR|BAJA|ALTO)\b/,
];
/** A reply that is only a stop sign or a raised hand. */
const STOP_EMOJI = /^(?:\s|\u{FE0F}|\u{1F6D1}|\u{270B}|\u{1F91A}|\u{26D4}|\u{1F6AB})+$/u;

/** Upper case, accents folded, emoji and punctuation gone, words separated by one space. */
export function normaliseReply(body: string): string {
  return body
    .normalize("NFKD")
    .replace(/\p{M}/gu, "") // combining accents: "más" → "mas"
    .replace(/['’`]/g, "") // don't → dont, so "DON T" never splits a word
    .replace(/[\p{P}\p{S}\p{Extended_Pictographic}]/gu, " ")
    .toUpperCase()
    .replace(/\s+/g, " ")
    .trim();
}

export function classifyInbound(body: string): InboundKind {
  const text = normaliseReply(body);
  const words = text.split(" ");
  const heads = [text, words[0] ?? "", words.slice(0, 2).join(" ")];
  if (heads.some((h) => STOP_WORDS.has(h))) return "stop";
  if (STOP_PHRASES.some((p) => p.test(text))) return "stop";
  if (START_WORDS.has(text)) return "start";
  if (HELP_WORDS.has(text)) return "help";
  if (JOIN_WORDS.has(text)) return "join";
  if (YES_WORDS.has(text)) return "yes";
  if (STOP_EMOJI.test(body) || POSSIBLE_STOP.some((p) => p.test(text))) return "possible_stop";
  return "reply";
}

/**
 * True when a text already tells the shopper how to opt out ("Reply STOP to opt out",
 * "Text END to unsubscribe"), not when it merely contains the word ("STOP by our store").
 */
export function hasOptOutInstruction(body: string): boolean {
  const text = normaliseReply(body);
  return /\b(REPLY|TEXT|SEND|TXT|RESPOND)( WITH)? (STOP|STOPALL|END|QUIT|CANCEL|UNSUBSCRIBE|OPTOUT|OPT OUT)\b/.test(
    text,
  );
}
