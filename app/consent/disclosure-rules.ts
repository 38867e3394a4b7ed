/**
 * What a checkout SMS disclosure must say before it may be published (product brief,
 * Compliance; CTIA Messaging Principles and Best Practices, program disclosures; TCPA
 * 47 CFR § 64.1200(f)(9): consent is not a condition of purchase). Each check is a plain
 * pattern so the merchant can be told exactly what is missing.
 */
const RULES: { missing: string; test: (text: string, brand: string) => boolean }[] = [
  { missing: "the brand name", test: (t, brand) => t.toLowerCase().includes(brand.toLowerCase()) },
  {
    missing: "that the texts are recurring automated marketing messages",
    test: (t) => /\b(recurring|automated)\b/i.test(t) && /\bmarketing\b/i.test(t),
  },
  {
    missing: "how often (e.g. “up to 4 msgs/month” or “Msg frequency varies”)",
    test: (t) =>
      /\b(msg|message|text)s?\s+frequency\s+varies\b/i.test(t) ||
      /\b\d+\s*(msgs?|messages?|texts?)\s*(\/|per|a|each)\s*(day|week|wk|month|mo)\b/i.test(t),
  },
  { missing: "“Msg & data rates may apply”", test: (t) => /\bmsg\s*(&|and)\s*data\s+rates\s+may\s+apply\b/i.test(t) },
  {
    missing: "that consent is not a condition of purchase",
    test: (t) => /\bnot\s+a\s+condition\s+of\s+(any\s+)?purchase\b/i.test(t),
  },
  { missing: "how to opt out (“Reply STOP”)", test: (t) => /\bSTOP\b/.test(t) },
  { missing: "how to get help (“Reply HELP”)", test: (t) => /\bHELP\b/.test(t) },
];

/** What the disclosure lacks, in words; empty when it may be published. */
export function disclosureProblems(text: string, brand: string): string[] {
  return RULES.filter((r) => !r.test(text, brand)).map((r) => r.missing);
}
