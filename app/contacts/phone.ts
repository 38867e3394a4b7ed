import { readPhone } from "./read-phone";

export type PhoneResult = { ok: true; e164: string; country?: string } | { ok: false; reason: string };

/**
 * Normalises a phone number to E.164 and validates it for its country. A national number
 * is read in the context of the shopper's country (from their address). Invalid numbers
 * are reported and never sent to.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry?: string | null): PhoneResult {
  const input = raw?.trim();
  if (!input) return { ok: false, reason: "empty" };
  // A number in international form ("+…") reads the same whatever the default country
  // (libphonenumber uses it only to tell a national number from an international one).
  const key = input.startsWith("+") ? input : `${defaultCountry?.toUpperCase() ?? ""}|${input}`;
  let result = parsedCache.get(key);
  if (!result) {
    if (parsedCache.size >= CACHE_LIMIT) parsedCache.clear();
    parsedCache.set(key, (result = parse(input, defaultCountry)));
  }
  return result;
}

/**
 * Results by input: a send reads its number for the phone gate and again for the opt-out
 * line's country, and a send worker sees the same numbers again (libphonenumber's matching
 * was ~7 % of a send worker's CPU, issue 16). Results are read, never changed, by callers.
 */
const parsedCache = new Map<string, PhoneResult>();
const CACHE_LIMIT = 10_000;

function parse(input: string, defaultCountry?: string | null): PhoneResult {
  const read = readPhone(input, defaultCountry?.toUpperCase() || undefined);
  if (!read) return { ok: false, reason: "not a phone number" };
  if (!read.valid) return { ok: false, reason: `not a valid number for ${read.country ?? "its country"}` };
  return { ok: true, e164: `+${read.callingCode}${read.nationalNumber}`, country: read.country };
}

/** The country a number belongs to by its calling code and prefix ("+60…" → "MY"); null if unknown. */
export function numberCountry(e164: string | null | undefined): string | null {
  const parsed = normalisePhone(e164);
  return parsed.ok ? (parsed.country ?? null) : null;
}
