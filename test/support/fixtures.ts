// Shopify-shaped webhook payloads (Admin API 2026-10), one builder per concept with
// sensible defaults, overridden per test.
let seq = 1000;
const nextId = () => ++seq;

export interface CustomerOpts {
  id?: number;
  phone?: string | null;
  smsState?: "subscribed" | "unsubscribed" | "not_subscribed" | "pending";
  consentAt?: Date;
  updatedAt: Date;
  country?: string;
  province?: string;
  city?: string;
  firstName?: string;
}

export function customerPayload(o: CustomerOpts) {
  const id = o.id ?? nextId();
  return {
    id,
    email: `shopper${id}@example.com`,
    created_at: new Date(o.updatedAt.getTime() - 86_400_000).toISOString(),
    updated_at: o.updatedAt.toISOString(),
    first_name: o.firstName ?? "Jane",
    last_name: "Doe",
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
      province: "California",
      country: "United States",
      zip: "94105",
      province_code: o.province ?? "CA",
      country_code: o.country ?? "US",
      country_name: "United States",
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

export interface OrderOpts {
  id?: number;
  customer: ReturnType<typeof customerPayload>;
  at: Date;
  updatedAt?: Date;
  total?: string;
  checkoutToken?: string;
  cancelledAt?: Date;
  lines?: { product_id: number; variant_id: number; title?: string; vendor?: string; price?: string }[];
}

export function orderPayload(o: OrderOpts) {
  const id = o.id ?? nextId();
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: o.customer.email,
    created_at: o.at.toISOString(),
    processed_at: o.at.toISOString(),
    updated_at: (o.updatedAt ?? o.at).toISOString(),
    cancelled_at: o.cancelledAt?.toISOString() ?? null,
    currency: "USD",
    total_price: o.total ?? "50.00",
    subtotal_price: o.total ?? "50.00",
    financial_status: "paid",
    checkout_token: o.checkoutToken ?? null,
    discount_codes: [],
    customer: o.customer,
    line_items: (o.lines ?? [{ product_id: 632910392, variant_id: 808950810, title: "IPod Nano - 8GB", vendor: "Apple" }]).map((l, i) => ({
      id: id * 10 + i,
      product_id: l.product_id,
      variant_id: l.variant_id,
      title: l.title ?? "Item",
      vendor: l.vendor ?? "Acme",
      quantity: 1,
      price: l.price ?? o.total ?? "50.00",
    })),
    shipping_address: o.customer.default_address,
  };
}

export function checkoutPayload(o: { token?: string; customer: ReturnType<typeof customerPayload>; updatedAt: Date; completedAt?: Date; variantId?: number }) {
  const token = o.token ?? `chk${nextId()}`;
  return {
    id: nextId(),
    token,
    cart_token: `cart${token}`,
    email: o.customer.email,
    created_at: o.updatedAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    completed_at: o.completedAt?.toISOString() ?? null,
    abandoned_checkout_url: `https://shop.example/checkouts/${token}/recover`,
    currency: "USD",
    total_price: "398.00",
    customer: o.customer,
    line_items: [{ product_id: 632910392, variant_id: o.variantId ?? 808950810, title: "IPod Nano - 8GB", quantity: 1, price: "199.00" }],
  };
}

export function productPayload(o: { id: number; variantId: number; inventoryItemId: number; quantity: number; updatedAt: Date; productType?: string }) {
  return {
    id: o.id,
    title: "IPod Nano - 8GB",
    handle: "ipod-nano",
    product_type: o.productType ?? "Cult Products",
    vendor: "Apple",
    status: "active",
    updated_at: o.updatedAt.toISOString(),
    variants: [
      { id: o.variantId, product_id: o.id, title: "Pink", price: "199.00", sku: "IPOD2008PINK", inventory_item_id: o.inventoryItemId, inventory_quantity: o.quantity, inventory_policy: "deny", updated_at: o.updatedAt.toISOString() },
    ],
    image: null,
  };
}
