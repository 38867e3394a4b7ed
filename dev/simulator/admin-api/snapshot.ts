import type { SimEvent } from "../store";
import type { SyncResource } from "../../../app/sync/resources";

// What a Shopify store holds after a history of webhooks, answered in the GraphQL Admin
// API's shapes (test/fixtures/shopify/graphql/SOURCES.md): the stand-in's bulk results. It
// folds the simulated store's events (webhook bodies) into the latest state of each object,
// so a sync of this snapshot and a replay of the same events must end in the same state.

type Json = Record<string, unknown>;
const gid = (type: string, id: unknown) => `gid://shopify/${type}/${String(id)}`;
const upper = (v: unknown) => (typeof v === "string" ? v.toUpperCase() : null);
const money = (amount: unknown, currencyCode = "USD") => ({
  shopMoney: { amount: String(amount ?? "0"), currencyCode },
});
const newer = (a: Json | undefined, b: Json) => !a || String(b.updated_at) >= String(a.updated_at);

export class StoreSnapshot {
  private readonly customers = new Map<string, Json>();
  private readonly orders = new Map<string, Json>();
  private readonly checkouts = new Map<string, Json>();
  private readonly products = new Map<string, Json>();
  private readonly levels = new Map<string, Json>();
  /** The SMS consent Shopify holds per customer (customers_marketing_consent/update), latest first. */
  private readonly consents = new Map<string, Json>();

  /** Folds one webhook into the store's state (latest `updated_at` wins, as in Shopify). */
  apply(event: SimEvent): void {
    const p = event.payload as Json;
    const keep = (map: Map<string, Json>, key: string, value: Json) => {
      if (newer(map.get(key), value)) map.set(key, value);
    };
    const [resource] = event.topic.split("/");
    switch (resource) {
      case "customers_marketing_consent": {
        const consent = p.sms_marketing_consent as Json | null;
        const key = String(p.id);
        const seen = this.consents.get(key);
        if (consent && (!seen || String(consent.consent_updated_at) >= String(seen.consent_updated_at)))
          this.consents.set(key, consent);
        break;
      }
      case "customers":
        keep(this.customers, String(p.id), p);
        break;
      case "orders":
        keep(this.orders, String(p.id), p);
        if (p.customer) keep(this.customers, String((p.customer as Json).id), p.customer as Json);
        break;
      case "checkouts": {
        const first = this.checkouts.get(String(p.token));
        // A checkout keeps the id it was created with (the webhook body may carry none: numbered here).
        const id = first?.id ?? p.id ?? 990_000_000 + this.checkouts.size;
        if (newer(first, p)) this.checkouts.set(String(p.token), { ...p, id });
        if (p.customer) keep(this.customers, String((p.customer as Json).id), p.customer as Json);
        break;
      }
      case "products":
        keep(this.products, String(p.id), p);
        break;
      case "inventory_levels":
        keep(this.levels, `${String(p.inventory_item_id)}:${String(p.location_id)}`, p);
        break;
    }
  }

  /** A bulk query's result lines: each root object followed by its children (`groupObjects: true`). */
  lines(resource: SyncResource, o: { ordersSince?: Date } = {}): Json[] {
    switch (resource) {
      case "customers":
        return [...this.customers.values()].map((c) =>
          customerNode({ ...c, sms_marketing_consent: this.consents.get(String(c.id)) ?? c.sms_marketing_consent }),
        );
      case "orders":
        return [...this.orders.values()]
          .filter((order) => !o.ordersSince || new Date(String(order.processed_at)) >= o.ordersSince)
          .flatMap((order) => withChildren(orderNode(order), lineNodes(order)));
      case "checkouts":
        return [...this.checkouts.values()]
          .filter((c) => !c.completed_at)
          .flatMap((c) => withChildren(checkoutNode(c), lineNodes(c)));
      case "products":
        return [...this.products.values()].flatMap((p) => withChildren(productNode(p), productChildren(p)));
      case "inventory": {
        const byItem = new Map<string, Json[]>();
        for (const level of this.levels.values()) {
          const item = String(level.inventory_item_id);
          byItem.set(item, [...(byItem.get(item) ?? []), level]);
        }
        return [...byItem.entries()].flatMap(([item, levels]) =>
          withChildren({ id: gid("InventoryItem", item) }, levels.map(levelNode)),
        );
      }
    }
  }

  get counts() {
    return { customers: this.customers.size, orders: this.orders.size, products: this.products.size };
  }
}

function withChildren(root: Json, children: Json[]): Json[] {
  return [root, ...children.map((c) => ({ ...c, __parentId: root.id }))];
}

function customerNode(c: Json): Json {
  const a = c.default_address as Json | null;
  const consent = c.sms_marketing_consent as Json | null;
  return {
    id: gid("Customer", c.id),
    email: c.email ?? null,
    phone: c.phone ?? null,
    firstName: c.first_name ?? null,
    lastName: c.last_name ?? null,
    locale: c.locale ?? null,
    tags: String(c.tags ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    createdAt: c.created_at ?? null,
    updatedAt: c.updated_at ?? null,
    defaultAddress: a
      ? {
          countryCodeV2: a.country_code ?? null,
          provinceCode: a.province_code ?? null,
          city: a.city ?? null,
          phone: a.phone ?? null,
        }
      : null,
    smsMarketingConsent: consent
      ? {
          marketingState: upper(consent.state),
          marketingOptInLevel: upper(consent.opt_in_level),
          consentUpdatedAt: consent.consent_updated_at ?? null,
          consentCollectedFrom: consent.consent_collected_from ?? null,
        }
      : null,
  };
}

function orderNode(o: Json): Json {
  return {
    id: gid("Order", o.id),
    name: o.name ?? null,
    createdAt: o.created_at,
    updatedAt: o.updated_at ?? null,
    processedAt: o.processed_at ?? null,
    cancelledAt: o.cancelled_at ?? null,
    currencyCode: o.currency ?? "USD",
    displayFinancialStatus: upper(o.financial_status),
    discountCodes: ((o.discount_codes as Json[] | undefined) ?? []).map((d) => d.code),
    totalPriceSet: money(o.total_price, String(o.currency ?? "USD")),
    customer: o.customer ? { id: gid("Customer", (o.customer as Json).id) } : null,
  };
}

function checkoutNode(c: Json): Json {
  return {
    id: gid("AbandonedCheckout", c.id),
    abandonedCheckoutUrl: c.abandoned_checkout_url ?? null,
    createdAt: c.created_at ?? null,
    updatedAt: c.updated_at,
    completedAt: c.completed_at ?? null,
    totalPriceSet: money(c.total_price, String(c.currency ?? "USD")),
    customer: c.customer ? { id: gid("Customer", (c.customer as Json).id) } : null,
  };
}

function lineNodes(parent: Json): Json[] {
  return ((parent.line_items as Json[] | undefined) ?? []).map((l, i) => ({
    id: gid("LineItem", l.id ?? `${String(parent.id)}${i}`),
    title: l.title ?? null,
    vendor: l.vendor ?? null,
    quantity: l.quantity ?? 1,
    originalUnitPriceSet: money(l.price),
    product: l.product_id ? { id: gid("Product", l.product_id) } : null,
    variant: l.variant_id ? { id: gid("ProductVariant", l.variant_id) } : null,
  }));
}

function productNode(p: Json): Json {
  return {
    id: gid("Product", p.id),
    title: p.title ?? "",
    handle: p.handle ?? null,
    productType: p.product_type ?? "",
    vendor: p.vendor ?? "",
    status: upper(p.status) ?? "ACTIVE",
    updatedAt: p.updated_at ?? null,
    featuredImage: null,
  };
}

/** Variants, then the product's collections (the simulated store files products by type). */
function productChildren(p: Json): Json[] {
  const variants = ((p.variants as Json[] | undefined) ?? []).map((v) => ({
    id: gid("ProductVariant", v.id),
    title: v.title ?? null,
    sku: v.sku ?? null,
    price: String(v.price ?? "0"),
    inventoryQuantity: v.inventory_quantity ?? 0,
    inventoryPolicy: upper(v.inventory_policy),
    updatedAt: v.updated_at ?? p.updated_at ?? null,
    inventoryItem: v.inventory_item_id ? { id: gid("InventoryItem", v.inventory_item_id) } : null,
  }));
  const type = String(p.product_type ?? "");
  const collections = type ? [{ id: gid("Collection", collectionId(type)), title: type }] : [];
  return [...variants, ...collections];
}

const collectionId = (title: string) =>
  400000000 + [...title].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) % 100000000, 7);

function levelNode(l: Json): Json {
  return {
    id: gid("InventoryLevel", `${String(l.location_id)}?inventory_item_id=${String(l.inventory_item_id)}`),
    updatedAt: l.updated_at,
    location: { id: gid("Location", l.location_id) },
    quantities: [{ name: "available", quantity: l.available ?? 0 }],
  };
}
