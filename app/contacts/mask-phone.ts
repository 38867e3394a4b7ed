import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * "+14155550123" → "+1•••0123": the country code and the last digits (4, or 2 for numbers
 * of 7 digits or fewer), enough to tell a shopper's numbers apart on screen, never enough
 * to text or look them up (an area code narrows a number to a city).
 */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return null;
  const parsed = parsePhoneNumberFromString(phone);
  const national = parsed?.nationalNumber ?? phone.replace(/\D/g, "");
  const shown = national.length > 7 ? 4 : 2;
  const prefix = parsed ? `+${parsed.countryCallingCode}` : "";
  return national.length <= shown ? "•••" : `${prefix}•••${national.slice(-shown)}`;
}

// An international number (+ and 7 or more digits, spaces, dots, dashes or brackets between) or
// a bare run of 7 or more digits: what a provider's error text quotes ("The 'To' number
// +14155550123 is not a valid phone number."). Digits inside a token (an id, a sid) are not.
const NUMBER_IN_TEXT = /\+\d[\d\s().-]{5,}\d|(?<![\w-])\d{7,}(?![\w-])/g;

/** `text` with every number in it masked as `maskPhone` does; null stays null. */
export function maskPhonesIn(text: string | null): string | null {
  return text && text.replace(NUMBER_IN_TEXT, (number) => maskPhone(number.replace(/[^\d+]/g, "")) ?? "•••");
}
