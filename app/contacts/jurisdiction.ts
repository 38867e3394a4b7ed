/** Where a recipient may be, as the sending rules (messaging/rules.ts) are keyed: a country and maybe a state. */
export interface Jurisdiction {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 3166-2 subdivision without the country, e.g. "FL"; null when unknown. */
  state?: string | null;
}
