// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from "vitest";
import { render } from "preact";
import { SmsConsent } from "./Checkout";
import { disclosureText } from "./disclosure";

/**
 * A faithful harness for the 2026-07 Preact extension API: the `shopify` global with the
 * signals the component reads, Shopify's web components rendered as elements whose
 * attributes are what checkout receives.
 */
function mount(o: { disclosure?: string; label?: string; shopName?: string }) {
  (globalThis as unknown as { shopify: unknown }).shopify = {
    appMetafields: {
      value: o.disclosure
        ? [
            {
              target: { type: "shop", id: "gid://shopify/Shop/1" },
              metafield: {
                namespace: "app--1--sms",
                key: "disclosure",
                value: o.disclosure,
                type: "multi_line_text_field",
              },
            },
          ]
        : [],
    },
    settings: { value: o.label ? { label: o.label } : {} },
    shop: { name: o.shopName ?? "Northbean" },
  };
  const root = document.createElement("div");
  document.body.append(root);
  render(<SmsConsent />, root);
  return root;
}

/** An attribute as checkout receives it (plain DOM access; the component types hide it). */
const attr = (root: Element, selector: string, name: string) =>
  (root.querySelector(selector) as Element | null)?.getAttribute(name);

afterEach(() => {
  document.body.innerHTML = "";
});

describe("checkout SMS consent extension", () => {
  it("renders Shopify's consent checkbox and phone field for the sms-marketing policy", () => {
    const root = mount({});
    expect(attr(root, "s-consent-checkbox", "policy")).toBe("sms-marketing");
    expect(attr(root, "s-consent-checkbox", "label")).toBe("Text me with news and offers");
    expect(attr(root, "s-consent-phone-field", "policy")).toBe("sms-marketing");
  });

  it("shows the default disclosure naming the shop, with the required statements", () => {
    const text = mount({ shopName: "Northbean" }).querySelector("s-text")?.textContent ?? "";
    expect(text).toContain("recurring marketing texts from Northbean");
    expect(text).toContain("Msg & data rates may apply.");
    expect(text).toContain("Reply STOP to opt out.");
  });

  it("uses the merchant's wording from the app and label from the checkout editor, adding what carriers require", () => {
    const root = mount({
      disclosure: "Get 10% off your next order by text from Northbean. Up to 2 msgs/week.",
      label: "Yes, text me deals",
    });
    expect(attr(root, "s-consent-checkbox", "label")).toBe("Yes, text me deals");
    expect(root.querySelector("s-text")?.textContent).toBe(
      "Get 10% off your next order by text from Northbean. Up to 2 msgs/week. Msg & data rates may apply. Reply STOP to opt out.",
    );
  });

  it("does not repeat statements the merchant already wrote", () => {
    const wording = "Texts from Northbean, 4/month. Msg & data rates may apply. Reply STOP to opt out.";
    expect(disclosureText({ fromApp: wording, shopName: "Northbean" })).toBe(wording);
  });
});
