// The `shopify` global as Shopify CLI types it for this extension's target (2026-07).
import "@shopify/ui-extensions";

declare module "./src/Checkout.tsx" {
  const shopify: import("@shopify/ui-extensions/purchase.checkout.contact.render-after").Api;
  const globalThis: { shopify: typeof shopify };
}
