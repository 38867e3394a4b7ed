import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { DEFAULT_LABEL, disclosureText } from "./disclosure";

export default async () => {
  render(<SmsConsent />, document.body);
};

/**
 * Shopify's consent checkbox and phone field for the sms-marketing policy: checking the box
 * with a number records the buyer's SMS marketing consent on their customer record.
 */
export function SmsConsent() {
  const disclosure = shopify.appMetafields.value.find((m) => m.metafield.key === "disclosure")?.metafield.value;
  const label = (shopify.settings.value.label as string | undefined)?.trim() || DEFAULT_LABEL;
  return (
    <s-stack gap="small-200">
      <s-consent-checkbox policy="sms-marketing" label={label}></s-consent-checkbox>
      <s-consent-phone-field policy="sms-marketing" label="Mobile phone number"></s-consent-phone-field>
      <s-text color="subdued">
        {disclosureText({ fromApp: typeof disclosure === "string" ? disclosure : null, shopName: shopify.shop.name })}
      </s-text>
    </s-stack>
  );
}
