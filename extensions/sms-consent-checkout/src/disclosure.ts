/**
 * The text shown under the SMS consent checkbox. The merchant's own wording (from the app's
 * settings, published as an app metafield) when there is one, otherwise a default; either
 * way it names the brand and always carries the two statements carriers require.
 */
export const REQUIRED = ["Msg & data rates may apply.", "Reply STOP to opt out."] as const;

export function disclosureText(o: { fromApp?: string | null; shopName: string }): string {
  const base =
    o.fromApp?.trim() ||
    `By checking this box, you agree to receive recurring marketing texts from ${o.shopName} (up to 4 msgs/month). Consent is not a condition of purchase.`;
  const missing = REQUIRED.filter((s) => !base.toLowerCase().includes(s.toLowerCase().replace(/\.$/, "")));
  return [base, ...missing].join(" ");
}

export const DEFAULT_LABEL = "Text me with news and offers";
