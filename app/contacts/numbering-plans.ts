import { Metadata, type CountryCode } from "libphonenumber-js/core";
import metadata from "libphonenumber-js/max/metadata";

/**
 * libphonenumber-js's country detection and validation (getCountryByNationalNumber,
 * getNumberType, isValid), read from the same metadata with each pattern compiled once.
 * The library builds a new RegExp from the metadata's pattern text on every test, and
 * for a +1 number tries the NANP countries' type patterns one after another, then again
 * in isValid: that was 42 % of the day-one sync's writing CPU (issue 19). The logic below
 * follows the library's line by line; test/contacts/phone-sameness.test.ts compares the
 * answers with the library's over generated numbers.
 */

export { metadata };

/** The countries sharing a calling code, the main one first (libphonenumber's order); none for +800 etc. */
export function countriesFor(callingCode: string): readonly string[] {
  return metadata.country_calling_codes[callingCode] ?? [];
}

/** getCountryByNationalNumber: the first country whose leading digits or number types match. */
export function detectCountry(nationalNumber: string, countries: readonly string[]): string | undefined {
  for (const country of countries) {
    const plan = planFor(country);
    if (plan.leadingDigits) {
      if (nationalNumber && nationalNumber.search(plan.leadingDigits) === 0) return country;
    } else if (numberType(nationalNumber, plan)) return country;
  }
  return undefined;
}

/** isValid() of a parsed number: its country's plan, or the calling code's main one. */
export function isValidFor(n: { country?: string; callingCode: string; nationalNumber: string }): boolean {
  const plan = planFor(n.country || n.callingCode);
  if (plan.hasTypes) return numberType(n.nationalNumber, plan) !== undefined;
  return plan.national.test(n.nationalNumber || "");
}

interface Plan {
  leadingDigits?: RegExp;
  national: RegExp;
  hasTypes: boolean;
  fixedLine?: PlanType;
  /** The MOBILE type's pattern text: "" means the library dropped it as equal to the fixed line's. */
  mobilePattern?: string;
  mobile?: PlanType;
  others: Array<PlanType & { name: string }>;
}

interface PlanType {
  pattern: RegExp;
  lengths?: number[];
}

/** getNumberType: the number's type within a plan, undefined when it matches none. */
function numberType(nationalNumber: string, plan: Plan): string | undefined {
  if (!plan.national.test(nationalNumber || "")) return undefined;
  if (isType(nationalNumber, plan.fixedLine)) {
    if (plan.mobilePattern === "") return "FIXED_LINE_OR_MOBILE";
    if (plan.mobilePattern === undefined) return "FIXED_LINE_OR_MOBILE";
    if (isType(nationalNumber, plan.mobile)) return "FIXED_LINE_OR_MOBILE";
    return "FIXED_LINE";
  }
  for (const type of plan.others) if (isType(nationalNumber, type)) return type.name;
  return undefined;
}

/** isNumberTypeEqualTo: a type without a pattern never matches; lengths are checked first. */
function isType(nationalNumber: string, type: PlanType | undefined): boolean {
  if (!type) return false;
  if (type.lengths && type.lengths.indexOf(nationalNumber.length) < 0) return false;
  return type.pattern.test(nationalNumber || "");
}

const NON_FIXED_LINE_TYPES = [
  "MOBILE",
  "PREMIUM_RATE",
  "TOLL_FREE",
  "SHARED_COST",
  "VOIP",
  "PERSONAL_NUMBER",
  "PAGER",
  "UAN",
  "VOICEMAIL",
] as const;

// Compiled on first use; at most one entry per country and calling code in the metadata (~500).
const plans = new Map<string, Plan>();

/** The plan of a country ("GB") or of a calling code ("44": its main country's; "800": non-geographic). */
function planFor(countryOrCallingCode: string): Plan {
  let plan = plans.get(countryOrCallingCode);
  if (!plan) plans.set(countryOrCallingCode, (plan = compilePlan(countryOrCallingCode)));
  return plan;
}

function entire(pattern: string): RegExp {
  return new RegExp("^(?:" + pattern + ")$");
}

function compilePlan(countryOrCallingCode: string): Plan {
  const m = new Metadata(metadata);
  m.selectNumberingPlan(countryOrCallingCode as CountryCode);
  // The typings leave out the plan accessors the library's own validation uses.
  const np = (m as unknown as { numberingPlan: NumberingPlanView }).numberingPlan;
  const leadingDigits = np.leadingDigits();
  const typeOf = (name: string): PlanType | undefined => {
    const t = np.type(name);
    // isNumberTypeEqualTo: no definition or an empty pattern never matches.
    if (!t || !t.pattern()) return undefined;
    return { pattern: entire(t.pattern()), lengths: t.possibleLengths() };
  };
  const mobile = np.type("MOBILE");
  return {
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
    national: entire(np.nationalNumberPattern()),
    hasTypes: np.hasTypes(),
    fixedLine: typeOf("FIXED_LINE"),
    mobilePattern: mobile ? mobile.pattern() : undefined,
    mobile: typeOf("MOBILE"),
    others: NON_FIXED_LINE_TYPES.flatMap((name) => {
      const t = typeOf(name);
      return t ? [{ ...t, name }] : [];
    }),
  };
}

interface NumberingPlanView {
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/**
 * The national prefix pattern a plan strips from a number (extractNationalNumber), compiled
 * once; the plan of a country, or of a calling code as the parse selects it.
 */
export function nationalPrefixPattern(countryOrCallingCode: string): RegExp | undefined {
  let p = prefixPatterns.get(countryOrCallingCode);
  if (p === undefined) {
    const m = new Metadata(metadata);
    m.selectNumberingPlan(countryOrCallingCode as CountryCode);
    const text = (m as unknown as { numberingPlan: NumberingPlanView }).numberingPlan.nationalPrefixForParsing();
    prefixPatterns.set(countryOrCallingCode, (p = text ? new RegExp("^(?:" + text + ")") : null));
  }
  return p ?? undefined;
}
const prefixPatterns = new Map<string, RegExp | null>();
