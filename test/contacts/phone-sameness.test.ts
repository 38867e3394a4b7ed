import { describe, expect, it } from "vitest";
import { getCountries, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import { normalisePhone, type PhoneResult } from "../../app/contacts/phone";
import { readPhone } from "../../app/contacts/read-phone";

/**
 * The fast reading (app/contacts/read-phone.ts) against the straightforward library call
 * it replaces, over generated numbers: every country's example number with digits changed
 * and added or dropped, written in E.164, international, national, with a national prefix
 * after the calling code, with IDD prefixes, extensions and noise, with and without a
 * default country. The answers must be identical, including the reason strings.
 */

/** The reference: what normalisePhone did before issue 19, the library called directly. */
function reference(raw: string, defaultCountry?: string): PhoneResult {
  const input = raw.trim();
  if (!input) return { ok: false, reason: "empty" };
  const parsed = parsePhoneNumberFromString(input, (defaultCountry?.toUpperCase() as CountryCode) || undefined);
  if (!parsed) return { ok: false, reason: "not a phone number" };
  if (!parsed.isValid()) return { ok: false, reason: `not a valid number for ${parsed.country ?? "its country"}` };
  return { ok: true, e164: parsed.number, country: parsed.country };
}

// The library's own reading, written out here rather than imported: the oracle must not be
// the app's code (read-phone falls back to the same call, which this must not take on trust).
function referenceRead(input: string, defaultCountry?: string) {
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode | undefined);
  if (!parsed) return undefined;
  return {
    callingCode: parsed.countryCallingCode,
    nationalNumber: parsed.nationalNumber,
    country: parsed.country,
    valid: parsed.isValid(),
  };
}

// A fixed-seed generator: the same inputs on every run.
function generator(seed: number) {
  let s = seed;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  return { next, int, pick };
}

const countries = getCountries();
const NANP_AREA_CODES = [
  "212",
  "415",
  "305",
  "647",
  "416",
  "604",
  "876",
  "787",
  "808",
  "514",
  "905",
  "242",
  "441",
  "671",
];

function generatedInputs(count: number): Array<[string, string | undefined]> {
  const g = generator(19);
  const digits = (n: number) => Array.from({ length: n }, () => g.int(10)).join("");
  const out: Array<[string, string | undefined]> = [];
  while (out.length < count) {
    const country = g.pick(countries);
    const example = getExampleNumber(country, examples);
    let national = example ? example.nationalNumber : digits(9);
    const code = example ? example.countryCallingCode : "1";
    // Change some digits (keeps many valid: most plans are ranges), sometimes the length.
    const chars = national.split("");
    for (let i = g.int(4); i > 0; i--) chars[g.int(chars.length)] = String(g.int(10));
    national = chars.join("");
    if (g.next() < 0.1) national += g.int(10);
    if (g.next() < 0.1) national = national.slice(1);
    if (country === "US" && g.next() < 0.5) national = g.pick(NANP_AREA_CODES) + (2 + g.int(8)) + digits(6);
    const defaultCountry = g.next() < 0.5 ? g.pick([country, country, "US", "GB", "DE", "CA", "AU", "FR"]) : undefined;
    const prefix = g.pick(["0", "1", "8", ""]);
    const forms = [
      `+${code}${national}`,
      `+${code} ${national.slice(0, 3)} ${national.slice(3)}`,
      `+${code} ${prefix}${national}`,
      `+${code}${prefix}${national}`,
      `${prefix}${national}`,
      `${national}`,
      `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
      `00${code}${national}`,
      `011 ${code} ${national}`,
      `${code}${national}`,
      `+${code}${national} ext. ${digits(3)}`,
      `tel:+${code}${national}`,
      `call +${code}-${national}!`,
      `+${code}${digits(g.int(14))}`,
      digits(1 + g.int(16)),
      `+${digits(1 + g.int(16))}`,
      g.pick(["", " ", "abc", "+", "++1", "+0 123", "12", "n/a", "+1 (555) 0100"]),
    ];
    out.push([g.pick(forms), defaultCountry]);
  }
  return out;
}

describe("phone numbers read as libphonenumber-js reads them", () => {
  const inputs = generatedInputs(40_000);

  it("readPhone gives the library's number, country and validity for every generated input", () => {
    const differences = inputs
      .map(([input, dc]) => ({ input, dc, fast: readPhone(input, dc), ref: referenceRead(input, dc) }))
      .filter((r) => JSON.stringify(r.fast) !== JSON.stringify(r.ref));
    expect(differences.slice(0, 5)).toEqual([]);
    // The set covers what matters: valid and invalid numbers, shared calling codes, defaults.
    const refs = inputs.map(([input, dc]) => referenceRead(input, dc));
    expect(refs.filter((r) => r?.valid).length).toBeGreaterThan(5_000);
    expect(refs.filter((r) => r && !r.valid).length).toBeGreaterThan(5_000);
    expect(refs.filter((r) => r === undefined).length).toBeGreaterThan(1_000);
    expect(refs.filter((r) => r?.valid && r.callingCode === "1" && r.country !== "US").length).toBeGreaterThan(200);
    expect(refs.filter((r) => r?.valid && r.callingCode === "44" && r.country !== "GB").length).toBeGreaterThan(20);
  });

  it("normalisePhone gives the reference's result, reason strings included", () => {
    for (const [input, dc] of inputs.slice(0, 20_000)) {
      const dcCase = dc && input.length % 2 ? dc.toLowerCase() : dc;
      expect([input, dcCase, normalisePhone(input, dcCase)]).toEqual([input, dcCase, reference(input, dcCase)]);
    }
  });
});
