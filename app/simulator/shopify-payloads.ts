// Shopify-shaped webhook payloads (Admin API 2026-10 REST webhook bodies), one builder per
// resource with sensible defaults. Used by the simulated store and by the tests, so both
// speak the shapes Shopify documents and app/webhooks/payloads.ts parses.
let seq = 1000;
const nextId = () => ++seq;

export interface AddressOpts {
  country?: string; // ISO code
  countryName?: string;
  province?: string; // code
  provinceName?: string;
  city?: string;
  zip?: string;
}

export interface CustomerOpts extends AddressOpts {
  id?: number;
  phone?: string | null;
  smsState?: "subscribed" | "unsubscribed" | "not_subscribed" | "pending";
  consentAt?: Date;
  createdAt?: Date;
  updatedAt: Date;
  firstName?: string;
  lastName?: string;
}

export function customerPayload(o: CustomerOpts) {
  const id = o.id ?? nextId();
  return {
    id,
    email: `shopper${id}@example.com`,
    created_at: (o.createdAt ?? new Date(o.updatedAt.getTime() - 86_400_000)).toISOString(),
    updated_at: o.updatedAt.toISOString(),
    first_name: o.firstName ?? "Jane",
    last_name: o.lastName ?? "Doe",
    state: "enabled",
    verified_email: true,
    phone: o.phone === undefined ? "+14155550123" : o.phone,
    tags: "",
    currency: "USD",
    default_address: {
      id: id + 1,
      customer_id: id,
      address1: "1 Market St",
      city: o.city ?? "San Francisco",
      province: o.provinceName ?? "California",
      country: o.countryName ?? "United States",
      zip: o.zip ?? "94105",
      province_code: o.province ?? "CA",
      country_code: o.country ?? "US",
      country_name: o.countryName ?? "United States",
      default: true,
    },
    email_marketing_consent: { state: "not_subscribed", opt_in_level: "single_opt_in", consent_updated_at: null },
    sms_marketing_consent: o.smsState
      ? {
          state: o.smsState,
          opt_in_level: "single_opt_in",
          consent_updated_at: (o.consentAt ?? o.updatedAt).toISOString(),
          consent_collected_from: "SHOPIFY",
        }
      : null,
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
  };
}
export type CustomerPayloadShape = ReturnType<typeof customerPayload>;

export interface LineOpts {
  product_id: number;
  variant_id: number;
  title?: string;
  variant_title?: string;
  vendor?: string;
  sku?: string;
  price?: string;
  quantity?: number;
}

export interface OrderOpts {
  id?: number;
  customer: CustomerPayloadShape;
  at: Date;
  updatedAt?: Date;
  total?: string;
  checkoutToken?: string;
  cancelledAt?: Date;
  lines?: LineOpts[];
}

const lineItem = (l: LineOpts, id: number, fallbackPrice: string) => ({
  id,
  product_id: l.product_id,
  variant_id: l.variant_id,
  title: l.title ?? "Item",
  variant_title: l.variant_title ?? null,
  name: l.variant_title ? `${l.title ?? "Item"} - ${l.variant_title}` : (l.title ?? "Item"),
  sku: l.sku ?? null,
  vendor: l.vendor ?? "Acme",
  quantity: l.quantity ?? 1,
  price: l.price ?? fallbackPrice,
  requires_shipping: true,
  taxable: true,
  gift_card: false,
});

export function orderPayload(o: OrderOpts) {
  const id = o.id ?? nextId();
  const lines = o.lines ?? [
    { product_id: 632910392, variant_id: 808950810, title: "IPod Nano - 8GB", vendor: "Apple" },
  ];
  const total = o.total ?? lines.reduce((sum, l) => sum + Number(l.price ?? "50.00") * (l.quantity ?? 1), 0).toFixed(2);
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    order_number: id,
    email: o.customer.email,
    phone: null,
    created_at: o.at.toISOString(),
    processed_at: o.at.toISOString(),
    updated_at: (o.updatedAt ?? o.at).toISOString(),
    cancelled_at: o.cancelledAt?.toISOString() ?? null,
    cancel_reason: o.cancelledAt ? "customer" : null,
    currency: "USD",
    presentment_currency: "USD",
    total_price: total,
    subtotal_price: total,
    total_tax: "0.00",
    financial_status: o.cancelledAt ? "refunded" : "paid",
    fulfillment_status: null,
    checkout_token: o.checkoutToken ?? null,
    source_name: "web",
    discount_codes: [],
    customer: o.customer,
    line_items: lines.map((l, i) => lineItem(l, id * 10 + i, o.total ?? "50.00")),
    shipping_address: o.customer.default_address,
    billing_address: o.customer.default_address,
  };
}

export interface CheckoutOpts {
  token?: string;
  customer: CustomerPayloadShape;
  updatedAt: Date;
  createdAt?: Date;
  completedAt?: Date;
  variantId?: number;
  lines?: LineOpts[];
}

export function checkoutPayload(o: CheckoutOpts) {
  const token = o.token ?? `chk${nextId()}`;
  const lines = o.lines ?? [
    { product_id: 632910392, variant_id: o.variantId ?? 808950810, title: "IPod Nano - 8GB", price: "199.00" },
  ];
  const total = lines.reduce((sum, l) => sum + Number(l.price ?? "0") * (l.quantity ?? 1), 0).toFixed(2);
  return {
    id: nextId(),
    token,
    cart_token: `cart${token}`,
    email: o.customer.email,
    phone: o.customer.phone,
    created_at: (o.createdAt ?? o.updatedAt).toISOString(),
    updated_at: o.updatedAt.toISOString(),
    completed_at: o.completedAt?.toISOString() ?? null,
    abandoned_checkout_url: `https://shop.example/checkouts/${token}/recover`,
    currency: "USD",
    presentment_currency: "USD",
    total_price: total,
    subtotal_price: total,
    customer: o.customer,
    line_items: lines.map((l, i) => lineItem(l, i + 1, "0.00")),
    shipping_address: o.customer.default_address,
  };
}

export interface VariantOpts {
  id: number;
  inventoryItemId: number;
  quantity: number;
  title?: string;
  price?: string;
  sku?: string;
}

export interface ProductOpts {
  id: number;
  updatedAt: Date;
  title?: string;
  handle?: string;
  productType?: string;
  vendor?: string;
  variants?: VariantOpts[];
  /** Single-variant shorthand. */
  variantId?: number;
  inventoryItemId?: number;
  quantity?: number;
}

export function productPayload(o: ProductOpts) {
  const title = o.title ?? "IPod Nano - 8GB";
  const variants = o.variants ?? [
    {
      id: o.variantId!,
      inventoryItemId: o.inventoryItemId!,
      quantity: o.quantity ?? 0,
      title: "Pink",
      price: "199.00",
      sku: "IPOD2008PINK",
    },
  ];
  return {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Product/${o.id}`,
    title,
    handle: o.handle ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    product_type: o.productType ?? "Cult Products",
    vendor: o.vendor ?? "Apple",
    status: "active",
    created_at: o.updatedAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    variants: variants.map((v, i) => ({
      id: v.id,
      product_id: o.id,
      title: v.title ?? "Default Title",
      price: v.price ?? "19.00",
      sku: v.sku ?? null,
      position: i + 1,
      inventory_item_id: v.inventoryItemId,
      inventory_quantity: v.quantity,
      inventory_policy: "deny",
      inventory_management: "shopify",
      admin_graphql_api_id: `gid://shopify/ProductVariant/${v.id}`,
      updated_at: o.updatedAt.toISOString(),
    })),
    image: null,
  };
}

export function inventoryLevelPayload(o: {
  inventoryItemId: number;
  locationId: number;
  available: number;
  updatedAt: Date;
}) {
  return {
    inventory_item_id: o.inventoryItemId,
    location_id: o.locationId,
    available: o.available,
    updated_at: o.updatedAt.toISOString(),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${o.locationId}?inventory_item_id=${o.inventoryItemId}`,
  };
}
