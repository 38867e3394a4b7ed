import { z } from "zod";

// The parts of Shopify's webhook payloads (Admin API 2026-10) that processing uses.
// Unknown fields pass through; ids arrive as JSON numbers and are kept as strings.
const sid = z.union([z.number(), z.string()]).transform((v) => String(v));
const money = z.union([z.string(), z.number()]).transform((v) => String(v));
/** A Shopify timestamp as a Date (a string that is no date fails its schema). */
export const shopifyDate = z.string().transform((v, ctx) => {
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) {
    ctx.addIssue({ code: "custom", message: `invalid date ${v}` });
    return z.NEVER;
  }
  return d;
});
const date = shopifyDate;
const opt = <T extends z.ZodType>(t: T) => t.nullish();

export const AddressSchema = z.looseObject({
  country_code: opt(z.string()),
  province_code: opt(z.string()),
  city: opt(z.string()),
  phone: opt(z.string()),
  // Order and checkout addresses carry Shopify's geocode of the address: the surest time-zone source.
  latitude: opt(z.number()),
  longitude: opt(z.number()),
});

export const SmsConsentSchema = z.looseObject({
  // subscribed | not_subscribed | unsubscribed | pending | redacted | invalid; Shopify's own
  // customers_marketing_consent/update sample sends null (no state known): not a fact.
  state: opt(z.string()),
  opt_in_level: opt(z.string()),
  consent_updated_at: opt(date),
  consent_collected_from: opt(z.string()),
});

export const CustomerPayload = z.looseObject({
  id: sid,
  email: opt(z.string()),
  phone: opt(z.string()),
  first_name: opt(z.string()),
  last_name: opt(z.string()),
  locale: opt(z.string()),
  tags: opt(z.string()),
  created_at: opt(date),
  updated_at: opt(date),
  default_address: opt(AddressSchema),
  sms_marketing_consent: opt(SmsConsentSchema),
});
export type CustomerPayload = z.infer<typeof CustomerPayload>;

export const LineItemPayload = z.looseObject({
  product_id: opt(sid),
  variant_id: opt(sid),
  title: opt(z.string()),
  vendor: opt(z.string()),
  quantity: z.number().int().default(1),
  price: money.default("0"),
});

export const OrderPayload = z.looseObject({
  id: sid,
  name: opt(z.string()),
  email: opt(z.string()),
  phone: opt(z.string()),
  created_at: date,
  updated_at: opt(date),
  processed_at: opt(date),
  cancelled_at: opt(date),
  currency: z.string().default("USD"),
  total_price: money.default("0"),
  financial_status: opt(z.string()),
  checkout_token: opt(z.string()),
  /** Checkout consent (the SMS box at checkout), top-level since the customer object lost it in 2025-01. */
  buyer_accepts_sms_marketing: opt(z.boolean()),
  sms_marketing_phone: opt(z.string()),
  discount_codes: z.array(z.looseObject({ code: z.string() })).default([]),
  customer: opt(CustomerPayload),
  line_items: z.array(LineItemPayload).default([]),
  shipping_address: opt(AddressSchema),
  billing_address: opt(AddressSchema),
});
export type OrderPayload = z.infer<typeof OrderPayload>;

export const CheckoutPayload = z.looseObject({
  id: opt(sid),
  token: z.string(),
  cart_token: opt(z.string()),
  email: opt(z.string()),
  phone: opt(z.string()),
  created_at: opt(date),
  updated_at: date,
  completed_at: opt(date),
  abandoned_checkout_url: opt(z.string()),
  /** Checkout consent (the SMS box at checkout), top-level since the customer object lost it in 2025-01. */
  buyer_accepts_sms_marketing: opt(z.boolean()),
  sms_marketing_phone: opt(z.string()),
  currency: z.string().default("USD"),
  total_price: money.default("0"),
  customer: opt(CustomerPayload),
  line_items: z.array(LineItemPayload).default([]),
  shipping_address: opt(AddressSchema),
  billing_address: opt(AddressSchema),
});
export type CheckoutPayload = z.infer<typeof CheckoutPayload>;

export const ProductPayload = z.looseObject({
  id: sid,
  title: z.string().default(""),
  handle: opt(z.string()),
  product_type: opt(z.string()),
  vendor: opt(z.string()),
  status: opt(z.string()),
  updated_at: opt(date),
  image: opt(z.looseObject({ src: opt(z.string()) })),
  variants: z
    .array(
      z.looseObject({
        id: sid,
        title: opt(z.string()),
        sku: opt(z.string()),
        price: money.default("0"),
        inventory_item_id: opt(sid),
        inventory_quantity: z.number().int().default(0),
        inventory_policy: opt(z.string()),
        updated_at: opt(date),
      }),
    )
    .default([]),
});
export type ProductPayload = z.infer<typeof ProductPayload>;

export const DeletePayload = z.looseObject({ id: sid });

export const InventoryLevelPayload = z.looseObject({
  inventory_item_id: sid,
  location_id: sid,
  available: z.number().int().nullable(),
  updated_at: date,
});
export type InventoryLevelPayload = z.infer<typeof InventoryLevelPayload>;

export const CustomersRedactPayload = z.looseObject({
  shop_domain: z.string(),
  customer: z.looseObject({ id: opt(sid), email: opt(z.string()), phone: opt(z.string()) }),
  orders_to_redact: z.array(sid).default([]),
});
export const DataRequestPayload = z.looseObject({
  shop_domain: z.string(),
  customer: z.looseObject({ id: opt(sid), email: opt(z.string()), phone: opt(z.string()) }),
  orders_requested: z.array(sid).default([]),
  data_request: opt(z.looseObject({ id: sid })),
});

/** customers_marketing_consent/update: the customer's SMS consent and the number it is for. */
export const MarketingConsentPayload = z.looseObject({
  id: sid,
  phone: opt(z.string()),
  sms_marketing_consent: opt(SmsConsentSchema),
});
export type MarketingConsentPayload = z.infer<typeof MarketingConsentPayload>;

/** bulk_operations/finish: which operation finished and how (lower case: completed, failed, canceled). */
export const BulkOperationFinishPayload = z.looseObject({
  admin_graphql_api_id: z.string(),
  status: z.string(),
  error_code: opt(z.string()),
  type: opt(z.string()),
});
