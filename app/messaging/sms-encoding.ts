/**
 * How an SMS body is billed: GSM-7 when every character is in the GSM 03.38 basic set or
 * its extension table (extension characters take two septets), otherwise UCS-2. A single
 * message holds 160 GSM-7 septets or 70 UCS-2 units; concatenated messages lose room to
 * the UDH and hold 153 / 67 per segment. Shown to the merchant and stored on each Message.
 */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENSION = "^{}\\[~]|€\f";
const basic = new Set(GSM_BASIC);
const extension = new Set(GSM_EXTENSION);

export interface SmsEncoding {
  encoding: "GSM-7" | "UCS-2";
  /** Characters as the shopper sees them. */
  characters: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) billed. */
  units: number;
  segments: number;
  /** Units left in the last segment before another one starts. */
  remaining: number;
  /** Characters that forced UCS-2, to point the merchant at them. */
  nonGsm: string[];
}

export function encodeSms(body: string): SmsEncoding {
  const chars = [...body];
  const nonGsm = [...new Set(chars.filter((c) => !basic.has(c) && !extension.has(c)))];
  if (nonGsm.length === 0) {
    const units = chars.reduce((n, c) => n + (extension.has(c) ? 2 : 1), 0);
    return { encoding: "GSM-7", characters: chars.length, units, nonGsm, ...split(units, 160, 153) };
  }
  const units = body.length; // UTF-16 code units: an emoji outside the BMP takes two
  return { encoding: "UCS-2", characters: chars.length, units, nonGsm, ...split(units, 70, 67) };
}

function split(units: number, single: number, multi: number) {
  if (units <= single) return { segments: units === 0 ? 0 : 1, remaining: single - units };
  const segments = Math.ceil(units / multi);
  return { segments, remaining: segments * multi - units };
}

/** Estimated price of a message: segments × the shop's cost per segment. */
export const estimateCost = (body: string, costPerSegment: number) => encodeSms(body).segments * costPerSegment;
