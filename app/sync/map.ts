import { z } from "zod";
import {
  CheckoutPayload,
  InventoryLevelPayload,
  ProductPayload,
  shopifyDate,
  type CustomerPayload,
  type OrderPayload,
} from "../shopify-payloads";
import { gidType, legacyId } from "./resources";

// Bulk JSONL nodes (GraphQL Admin API shapes) → the webhook payload types the commerce
// writers already take, so a synced row and a webhook row go through the same code and the
// same newest-wins rule. Each node is checked at this edge; a bad line is reported, not fatal.
// Customers and orders (nearly every line of a sync) are parsed once: their GraphQL schema
// already yields the payload's types (dates as Dates), so the payload is built, not parsed
// again (a second parse was ~half of the mapping's CPU at 100k customers, issue 19).

const gid = z.string().regex(/^gid:\/\/shopify\/\w+\/.+/);
const ref = z.object({ id: gid }).nullish();
const moneySet = z
  .object({ shopMoney: z.object({ amount: z.string(), currencyCode: z.string().nullish() }) })
  .nullish();
const opt = <T extends z.ZodType>(t: T) => t.nullish();
const date = opt(shopifyDate);

const GqlCustomer = z.looseObject({
  id: gid,
  email: opt(z.string()),
  phone: opt(z.string()),
  firstName: opt(z.string()),
  lastName: opt(z.string()),
  locale: opt(z.string()),
  tags: z.array(z.string()).default([]),
  createdAt: date,
  updatedAt: date,
  defaultAddress: opt(
    z.looseObject({
      countryCodeV2: opt(z.string()),
      provinceCode: opt(z.string()),
      city: opt(z.string()),
      phone: opt(z.string()),
    }),
  ),
  smsMarketingConsent: opt(
    z.looseObject({
      marketingState: z.string(),
      marketingOptInLevel: opt(z.string()),
      consentUpdatedAt: date,
      consentCollectedFrom: opt(z.string()),
    }),
  ),
});

export function customerFromNode(node: unknown): CustomerPayload {
  const c = GqlCustomer.parse(node);
  const a = c.defaultAddress;
  const consent = c.smsMarketingConsent;
  return {
    id: legacyId(c.id),
    email: c.email,
    phone: c.phone,
    first_name: c.firstName,
    last_name: c.lastName,
    locale: c.locale,
    tags: c.tags.join(", "),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    default_address: a
      ? { country_code: a.countryCodeV2, province_code: a.provinceCode, city: a.city, phone: a.phone }
      : null,
    // GraphQL enums (SUBSCRIBED, SINGLE_OPT_IN) → the webhook spelling (subscribed, single_opt_in).
    sms_marketing_consent: consent
      ? {
          state: consent.marketingState.toLowerCase(),
          opt_in_level: consent.marketingOptInLevel?.toLowerCase(),
          consent_updated_at: consent.consentUpdatedAt,
          consent_collected_from: consent.consentCollectedFrom,
        }
      : null,
  };
}

const GqlLine = z.looseObject({
  id: gid,
  title: opt(z.string()),
  vendor: opt(z.string()),
  quantity: z.number().int(),
  originalUnitPriceSet: moneySet,
  product: ref,
  variant: ref,
});

const lineOf = (node: unknown): LinePayload => {
  const l = GqlLine.parse(node);
  return {
    product_id: l.product ? legacyId(l.product.id) : null,
    variant_id: l.variant ? legacyId(l.variant.id) : null,
    title: l.title,
    vendor: l.vendor,
    quantity: l.quantity,
    price: l.originalUnitPriceSet?.shopMoney.amount ?? "0",
  };
};
type LinePayload = OrderPayload["line_items"][number];

const GqlOrder = z.looseObject({
  id: gid,
  name: opt(z.string()),
  createdAt: shopifyDate,
  updatedAt: date,
  processedAt: date,
  cancelledAt: date,
  currencyCode: opt(z.string()),
  displayFinancialStatus: opt(z.string()),
  discountCodes: z.array(z.string()).default([]),
  totalPriceSet: moneySet,
  customer: ref,
});

/** An order and its line items (the `LineItem` children of its JSONL line). */
export function orderFromNode(node: unknown, children: unknown[]): OrderPayload {
  const o = GqlOrder.parse(node);
  return {
    id: legacyId(o.id),
    name: o.name,
    created_at: o.createdAt,
    updated_at: o.updatedAt,
    processed_at: o.processedAt,
    cancelled_at: o.cancelledAt,
    // OrderPayload's defaults, as its parse would give them.
    currency: o.currencyCode ?? o.totalPriceSet?.shopMoney.currencyCode ?? "USD",
    total_price: o.totalPriceSet?.shopMoney.amount ?? "0",
    financial_status: o.displayFinancialStatus?.toLowerCase(),
    discount_codes: o.discountCodes.map((code) => ({ code })),
    customer: o.customer ? { id: legacyId(o.customer.id) } : null,
    line_items: children.map(lineOf),
  };
}

const GqlCheckout = z.looseObject({
  id: gid,
  abandonedCheckoutUrl: opt(z.string()),
  createdAt: opt(z.string()),
  updatedAt: z.string(),
  completedAt: opt(z.string()),
  totalPriceSet: moneySet,
  customer: ref,
});

/** An abandoned checkout, keyed by `token(id, recovery URL)` (the API gives no token). */
export function checkoutFromNode(
  node: unknown,
  children: unknown[],
  token: (id: string, recoveryUrl: string | null | undefined) => string,
): CheckoutPayload {
  const c = GqlCheckout.parse(node);
  const id = legacyId(c.id);
  return CheckoutPayload.parse({
    id,
    token: token(id, c.abandonedCheckoutUrl),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    completed_at: c.completedAt,
    abandoned_checkout_url: c.abandonedCheckoutUrl,
    currency: c.totalPriceSet?.shopMoney.currencyCode ?? undefined,
    total_price: c.totalPriceSet?.shopMoney.amount,
    customer: c.customer ? { id: legacyId(c.customer.id) } : null,
    line_items: children.map(lineOf),
  });
}

const GqlProduct = z.looseObject({
  id: gid,
  title: opt(z.string()),
  handle: opt(z.string()),
  productType: opt(z.string()),
  vendor: opt(z.string()),
  status: opt(z.string()),
  updatedAt: opt(z.string()),
  featuredImage: opt(z.looseObject({ url: opt(z.string()) })),
});
const GqlVariant = z.looseObject({
  id: gid,
  title: opt(z.string()),
  sku: opt(z.string()),
  price: opt(z.union([z.string(), z.number()])),
  inventoryQuantity: opt(z.number().int()),
  inventoryPolicy: opt(z.string()),
  updatedAt: opt(z.string()),
  inventoryItem: ref,
});
const GqlCollection = z.looseObject({ id: gid, title: opt(z.string()) });

/** A product with its variants; its collections (the other kind of child) separately. */
export function productFromNode(node: unknown, children: unknown[]) {
  const p = GqlProduct.parse(node);
  const variants = children.filter((c) => gidType(childId(c)) === "ProductVariant").map((c) => GqlVariant.parse(c));
  const collections = children
    .filter((c) => gidType(childId(c)) === "Collection")
    .map((c) => GqlCollection.parse(c))
    .map((c) => ({ shopifyId: legacyId(c.id), title: c.title ?? "" }));
  const product = ProductPayload.parse({
    id: legacyId(p.id),
    title: p.title ?? "",
    handle: p.handle,
    product_type: p.productType,
    vendor: p.vendor,
    status: p.status?.toLowerCase(),
    updated_at: p.updatedAt,
    image: p.featuredImage?.url ? { src: p.featuredImage.url } : null,
    variants: variants.map((v) => ({
      id: legacyId(v.id),
      title: v.title,
      sku: v.sku,
      price: v.price ?? "0",
      inventory_item_id: v.inventoryItem ? legacyId(v.inventoryItem.id) : null,
      inventory_quantity: v.inventoryQuantity ?? 0,
      inventory_policy: v.inventoryPolicy?.toLowerCase(),
      updated_at: v.updatedAt,
    })),
  });
  return { product, collections };
}

const GqlLevel = z.looseObject({
  id: gid,
  updatedAt: z.string(),
  location: z.object({ id: gid }),
  quantities: z.array(z.object({ name: z.string(), quantity: z.number().int() })).default([]),
});

/** An inventory item's levels (its `InventoryLevel` children), one payload per location. */
export function inventoryLevelsFromNode(node: unknown, children: unknown[]): InventoryLevelPayload[] {
  const item = z.looseObject({ id: gid }).parse(node);
  return children.map((c) => {
    const level = GqlLevel.parse(c);
    return InventoryLevelPayload.parse({
      inventory_item_id: legacyId(item.id),
      location_id: legacyId(level.location.id),
      available: level.quantities.find((q) => q.name === "available")?.quantity ?? null,
      updated_at: level.updatedAt,
    });
  });
}

const childId = (c: unknown) => (c && typeof c === "object" && "id" in c ? String(c.id) : "");
