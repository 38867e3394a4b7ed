/**
 * Parses a Shopify webhook body without losing digits. Shopify's ids are 64-bit integers
 * (its own samples carry ids such as 706405506930370084, beyond 2^53), which `JSON.parse`
 * rounds to the nearest double. The reviver sees each number's source text (JSON.parse
 * source access, Node ≥ 21) and keeps an integer that a double cannot hold exactly as its
 * decimal string; the payload schemas read ids as strings either way.
 */
export function parseShopifyJson(text: string): unknown {
  return JSON.parse(text, keepBigIntegers as Parameters<typeof JSON.parse>[1]);
}

function keepBigIntegers(_key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value) || !context?.source) return value;
  return /^-?\d+$/.test(context.source) ? context.source : value;
}
