import { parsePhoneNumberFromString as parseWith, type CountryCode, type MetadataJson } from "libphonenumber-js/core";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { countriesFor, detectCountry, isValidFor, metadata, nationalPrefixPattern } from "./numbering-plans";

/** A number as libphonenumber-js reads it: parsePhoneNumberFromString, then isValid(). */
export interface ReadNumber {
  callingCode: string;
  nationalNumber: string;
  country?: string;
  valid: boolean;
}

/**
 * Reads a number with the answers of libphonenumber-js/max's
 * `parsePhoneNumberFromString(input, defaultCountry)` and `.isValid()` (undefined when it
 * finds no number), at a fraction of the CPU (issue 19).
 *
 * "+" and digits (E.164, as numbers are stored) are read here outright (readPlainInternational).
 * Other input: the library parses with metadata in which every calling code has only its main country,
 * so the parse itself detects no country, then the country is detected and the number
 * validated here with compiled patterns. That metadata changes nothing else the parse
 * does, except one step: when a national prefix is stripped ("+44 07…", "07…" for GB), the
 * parse checks the shorter number's length against the country it belongs to. Where that
 * country could differ from the main one, the number is read by the library itself.
 */
export function readPhone(input: string, defaultCountry?: string): ReadNumber | undefined {
  const plain = PLAIN_INTERNATIONAL.test(input) ? readPlainInternational(input, defaultCountry) : null;
  if (plain) return plain;
  const parsed = parseWith(input, { defaultCountry: defaultCountry as CountryCode | undefined }, mainCountriesOnly);
  if (!parsed) return referenceRead(input, defaultCountry);
  const callingCode = parsed.countryCallingCode as string;
  const nationalNumber = parsed.nationalNumber as string;
  const countries = countriesFor(callingCode);
  // The parse's country before detection: the default country when the number had no calling code.
  const fromDefault = (parsed as { __countryCallingCodeSource?: string }).__countryCallingCodeSource === undefined;
  let country: string | undefined;
  // One country (or none: +800, +870…): the library's parse detects nothing either.
  if (countries.length <= 1) country = countries[0];
  else {
    country = detectCountry(nationalNumber, countries);
    if (!samePrefixHandling({ input, nationalNumber, callingCode, fromDefault, defaultCountry, country }))
      return referenceRead(input, defaultCountry);
    if (!country && fromDefault) country = defaultCountry;
  }
  return { callingCode, nationalNumber, country, valid: isValidFor({ country, callingCode, nationalNumber }) };
}

// "+" and digits only: the form numbers are stored in and Shopify mostly sends.
const PLAIN_INTERNATIONAL = /^\+\d{3,249}$/;

/**
 * "+14155550100" read without the library's parse: for a "+" followed by digits the parse
 * only takes the shortest known calling code (1–3 digits) and strips a national prefix
 * (when the plan's pattern starts the rest). Null, for the library to read, when that
 * prefix matches, when the default country is unknown, or when the parse would fail.
 */
function readPlainInternational(input: string, defaultCountry?: string): ReadNumber | null {
  if (defaultCountry && !(defaultCountry in metadata.countries)) return null;
  if (input[1] === "0") return null;
  for (let end = 2; end <= 4 && end <= input.length; end++) {
    const callingCode = input.slice(1, end);
    if (!isCallingCode(callingCode)) continue;
    const nationalNumber = input.slice(end);
    if (nationalNumber.length < 2 || nationalNumber.length > 17) return null;
    if (nationalPrefixPattern(callingCode)?.test(nationalNumber)) return null;
    const countries = countriesFor(callingCode);
    const country = countries.length <= 1 ? countries[0] : detectCountry(nationalNumber, countries);
    return { callingCode, nationalNumber, country, valid: isValidFor({ country, callingCode, nationalNumber }) };
  }
  return null;
}

function isCallingCode(code: string): boolean {
  const nonGeographic = (metadata as { nonGeographic?: Record<string, unknown> }).nonGeographic;
  return code in metadata.country_calling_codes || !!nonGeographic?.[code];
}

/** The straightforward library call, for the numbers whose fast reading is not proven the same. */
function referenceRead(input: string, defaultCountry?: string): ReadNumber | undefined {
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode | undefined);
  if (!parsed) return undefined;
  return {
    callingCode: parsed.countryCallingCode,
    nationalNumber: parsed.nationalNumber,
    country: parsed.country,
    valid: parsed.isValid(),
  };
}

const mainCountriesOnly: MetadataJson = {
  ...metadata,
  country_calling_codes: Object.fromEntries(
    Object.entries(metadata.country_calling_codes).map(([code, countries]) => [code, countries.slice(0, 1)]),
  ),
} as MetadataJson;

/**
 * Whether the parse with main countries only stripped (or kept) a national prefix exactly
 * as the library's parse would. With a shared calling code the library decides on the
 * stripped number's length by the country detected for it; ours by the main country.
 * - Nothing to strip (the national number is the input's digits after the calling code and
 *   the plan's national prefix does not start it): the step never ran. Same.
 * - Stripped, and the national number's country is the main one: both decided by it. Same.
 * Anything else (an IDD prefix, an extension, a prefix kept back) goes to the library.
 */
function samePrefixHandling(p: {
  input: string;
  nationalNumber: string;
  callingCode: string;
  fromDefault: boolean;
  defaultCountry?: string;
  country?: string;
}): boolean {
  if (!/^\+?[\d\s().-]+$/.test(p.input)) return false;
  const digits = p.input.replace(/\D/g, "");
  let number: string;
  if (p.fromDefault) number = digits;
  else if (p.input.trimStart().startsWith("+") && digits.startsWith(p.callingCode))
    number = digits.slice(p.callingCode.length);
  else return false;
  const main = countriesFor(p.callingCode)[0];
  if (p.nationalNumber === number) {
    const plan = p.fromDefault && p.defaultCountry ? p.defaultCountry : main;
    return !nationalPrefixPattern(plan)?.test(number);
  }
  return p.country === main;
}
