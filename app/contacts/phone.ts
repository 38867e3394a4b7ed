import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";

export type PhoneResult = { ok: true; e164: string; country?: string } | { ok: false; reason: string };

/**
 * Normalises a phone number to E.164 and validates it for its country. A national number
 * is read in the context of the shopper's country (from their address). Invalid numbers
 * are reported and never sent to.
 */
export function normalisePhone(raw: string | null | undefined, defaultCountry?: string | null): PhoneResult {
  const input = raw?.trim();
  if (!input) return { ok: false, reason: "empty" };
  const parsed = parsePhoneNumberFromString(input, (defaultCountry?.toUpperCase() as CountryCode) || undefined);
  if (!parsed) return { ok: false, reason: "not a phone number" };
  if (!parsed.isValid()) return { ok: false, reason: `not a valid number for ${parsed.country ?? "its country"}` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

/** The country a number belongs to by its calling code and prefix ("+60…" → "MY"); null if unknown. */
export function numberCountry(e164: string | null | undefined): string | null {
  const parsed = normalisePhone(e164);
  return parsed.ok ? (parsed.country ?? null) : null;
}
