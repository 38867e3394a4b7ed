// Shopify-shaped webhook payloads (REST webhook bodies), one builder per resource with
// sensible defaults. Used by the simulated store and by the tests. Each builder's field set
// and JSON types follow Shopify's published sample for its topic
// (test/fixtures/shopify/webhooks/, checked by test/simulator/payload-conformance.test.ts).
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
  /**
   * The customer object's own `sms_marketing_consent`, as Shopify sent it before API 2025-01.
   * Shopify's current payloads have no such field (consent comes by customers_marketing_consent/update
   * and the checkout's buyer_accepts_sms_marketing); the simulated store never sets it. Tests use it
   * as a short way to start from a subscribed customer, and the app still records it when present.
   */
  smsState?: "subscribed" | "unsubscribed" | "not_subscribed" | "pending";
  consentAt?: Date;
  createdAt?: Date;
  updatedAt: Date;
  firstName?: string;
  lastName?: string;
}

export function customerPayload(o: CustomerOpts) {
  const id = o.id ?? nextId();
  const firstName = o.firstName ?? "Jane";
  const lastName = o.lastName ?? "Doe";
  const phone = o.phone === undefined ? "+14155550123" : o.phone;
  return {
    id,
    created_at: (o.createdAt ?? new Date(o.updatedAt.getTime() - 86_400_000)).toISOString(),
    updated_at: o.updatedAt.toISOString(),
    first_name: firstName,
    last_name: lastName,
    state: "enabled",
    note: null,
    verified_email: true,
    multipass_identifier: null,
    tax_exempt: false,
    email: `shopper${id}@example.com`,
    phone,
    currency: "USD",
    addresses: [] as unknown[],
    tax_exemptions: [] as string[],
    admin_graphql_api_id: `gid://shopify/Customer/${id}`,
    default_address: {
      id: id + 1,
      customer_id: id,
      first_name: firstName,
      last_name: lastName,
      company: null,
      address1: "1 Market St",
      address2: null,
      city: o.city ?? "San Francisco",
      province: o.provinceName ?? "California",
      country: o.countryName ?? "United States",
      zip: o.zip ?? "94105",
      phone,
      name: `${firstName} ${lastName}`,
      province_code: o.province ?? "CA",
      country_code: o.country ?? "US",
      country_name: o.countryName ?? "United States",
      default: true,
    },
    ...(o.smsState
      ? {
          sms_marketing_consent: {
            state: o.smsState,
            opt_in_level: "single_opt_in",
            consent_updated_at: (o.consentAt ?? o.updatedAt).toISOString(),
            consent_collected_from: "SHOPIFY",
          },
        }
      : {}),
  };
}
export type CustomerPayloadShape = ReturnType<typeof customerPayload>;

/** The customer as embedded in a checkout or order: the same object without `addresses`. */
export function embeddedCustomer(c: CustomerPayloadShape) {
  const { addresses: _addresses, ...rest } = c;
  return rest;
}

/** customers_marketing_consent/update: the customer's SMS consent for a number. */
export function marketingConsentPayload(o: {
  customerId: number;
  phone: string | null;
  state: "subscribed" | "unsubscribed" | "not_subscribed" | "pending" | null;
  at: Date | null;
  optInLevel?: "single_opt_in" | "confirmed_opt_in" | "unknown" | null;
  collectedFrom?: string;
}) {
  return {
    id: o.customerId,
    phone: o.phone,
    sms_marketing_consent: {
      state: o.state,
      opt_in_level: o.optInLevel === undefined ? "single_opt_in" : o.optInLevel,
      consent_updated_at: o.at?.toISOString() ?? null,
      consent_collected_from: o.collectedFrom ?? "SHOPIFY",
    },
  };
}

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
    customer: embeddedCustomer(o.customer),
    line_items: lines.map((l, i) => lineItem(l, id * 10 + i, o.total ?? "50.00")),
    shipping_address: o.customer.default_address,
    billing_address: o.customer.default_address,
  };
}

export interface CheckoutOpts {
  token?: string;
  /** Null for a guest checkout. */
  customer: CustomerPayloadShape | null;
  updatedAt: Date;
  createdAt?: Date;
  completedAt?: Date;
  variantId?: number;
  lines?: LineOpts[];
  /** The number the shopper gave in the checkout's SMS box (ticked); absent when not ticked. */
  smsMarketingPhone?: string;
  email?: string;
}

const checkoutAddress = (c: CustomerPayloadShape | null) => {
  const a = c?.default_address;
  return {
    first_name: a?.first_name ?? "Guest",
    address1: a?.address1 ?? "1 Market St",
    phone: a?.phone ?? null,
    city: a?.city ?? "San Francisco",
    zip: a?.zip ?? "94105",
    province: a?.province ?? "California",
    country: a?.country ?? "United States",
    last_name: a?.last_name ?? "Shopper",
    address2: null,
    company: null,
    latitude: null,
    longitude: null,
    name: a?.name ?? "Guest Shopper",
    country_code: a?.country_code ?? "US",
    province_code: a?.province_code ?? "CA",
  };
};

const checkoutLine = (l: LineOpts, fallbackPrice: string) => {
  const price = l.price ?? fallbackPrice;
  const quantity = l.quantity ?? 1;
  return {
    applied_discounts: [] as unknown[],
    discount_allocations: [] as unknown[],
    key: `${l.variant_id}`,
    destination_location_id: 1015975142,
    fulfillment_service: "manual",
    gift_card: false,
    grams: 500,
    origin_location_id: 1015975141,
    presentment_title: l.title ?? "Item",
    presentment_variant_title: l.variant_title ?? null,
    product_id: l.product_id,
    properties: null,
    quantity,
    requires_shipping: true,
    sku: l.sku ?? null,
    tax_lines: [] as unknown[],
    taxable: true,
    title: l.title ?? "Item",
    variant_id: l.variant_id,
    variant_title: l.variant_title ?? null,
    variant_price: price,
    vendor: l.vendor ?? "Acme",
    user_id: null,
    unit_price_measurement: {
      measured_type: null,
      quantity_value: null,
      quantity_unit: null,
      reference_value: null,
      reference_unit: null,
    },
    rank: null,
    compare_at_price: null,
    line_price: (Number(price) * quantity).toFixed(2),
    price,
  };
};

export function checkoutPayload(o: CheckoutOpts) {
  const token = o.token ?? `chk${nextId()}`;
  const lines = o.lines ?? [
    { product_id: 632910392, variant_id: o.variantId ?? 808950810, title: "IPod Nano - 8GB", price: "199.00" },
  ];
  const total = lines.reduce((sum, l) => sum + Number(l.price ?? "0") * (l.quantity ?? 1), 0).toFixed(2);
  const address = checkoutAddress(o.customer);
  return {
    token,
    cart_token: `cart${token}`,
    email: o.email ?? o.customer?.email ?? null,
    gateway: null,
    buyer_accepts_marketing: false,
    created_at: (o.createdAt ?? o.updatedAt).toISOString(),
    updated_at: o.updatedAt.toISOString(),
    landing_site: null,
    note: null,
    note_attributes: [] as unknown[],
    referring_site: null,
    shipping_lines: [] as unknown[],
    taxes_included: false,
    total_weight: 500 * lines.length,
    currency: "USD",
    completed_at: o.completedAt?.toISOString() ?? null,
    closed_at: null,
    user_id: null,
    location_id: null,
    source_identifier: null,
    source_url: null,
    device_id: null,
    phone: null,
    customer_locale: null,
    line_items: lines.map((l) => checkoutLine(l, "0.00")),
    name: `#${nextId()}`,
    source: null,
    abandoned_checkout_url: `https://shop.example/checkouts/${token}/recover?key=${token}`,
    discount_codes: [] as unknown[],
    tax_lines: [] as unknown[],
    source_name: "web",
    presentment_currency: "USD",
    buyer_accepts_sms_marketing: o.smsMarketingPhone !== undefined,
    sms_marketing_phone: o.smsMarketingPhone ?? null,
    total_discounts: "0.00",
    total_line_items_price: total,
    total_price: total,
    total_tax: "0.00",
    subtotal_price: total,
    total_duties: null,
    reservation_token: null,
    billing_address: address,
    shipping_address: address,
    customer: o.customer ? embeddedCustomer(o.customer) : null,
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

export interface ShopOpts {
  domain: string;
  name: string;
  email: string;
  ianaTimezone: string;
  countryCode: string;
  updatedAt: Date;
}

/** shop/update: the fields of Shopify's sample body the app reads (test/fixtures/shopify/webhooks/shop-update.json). */
export function shopUpdatePayload(o: ShopOpts) {
  return {
    id: 548380009,
    name: o.name,
    email: o.email,
    domain: o.domain,
    country: o.countryCode,
    created_at: o.updatedAt.toISOString(),
    updated_at: o.updatedAt.toISOString(),
    country_code: o.countryCode,
    currency: "USD",
    customer_email: o.email,
    iana_timezone: o.ianaTimezone,
    myshopify_domain: o.domain,
  };
}
