/**
 * What the day-one sync fetches, one bulk query per resource, in this order: products
 * before orders (order lines take the product's type), customers before the orders and
 * checkouts that refer to them. Field names are the GraphQL Admin API's (2026-10); see
 * test/fixtures/shopify/graphql/SOURCES.md.
 */
export const SYNC_RESOURCES = ["products", "inventory", "customers", "orders", "checkouts"] as const;
export type SyncResource = (typeof SYNC_RESOURCES)[number];

export const RESOURCE_LABELS: Record<SyncResource, string> = {
  products: "Products and collections",
  inventory: "Inventory levels",
  customers: "Customers and SMS consent",
  orders: "Orders",
  checkouts: "Abandoned checkouts",
};

const money = "{ shopMoney { amount currencyCode } }";
const line = `id title quantity originalUnitPriceSet ${money} product { id } variant { id }`;

/** The bulk query text for a resource. Orders are limited to those processed since `ordersSince`. */
export function bulkQuery(resource: SyncResource, ordersSince: Date): string {
  switch (resource) {
    case "products":
      return `{
  products {
    edges { node {
      id title handle productType vendor status updatedAt featuredImage { url }
      variants { edges { node { id title sku price inventoryQuantity inventoryPolicy updatedAt inventoryItem { id } } } }
      collections { edges { node { id title } } }
    } }
  }
}`;
    case "inventory":
      return `{
  inventoryItems {
    edges { node {
      id
      inventoryLevels { edges { node { id updatedAt location { id } quantities(names: ["available"]) { name quantity } } } }
    } }
  }
}`;
    case "customers":
      return `{
  customers {
    edges { node {
      id email phone firstName lastName locale tags createdAt updatedAt
      defaultAddress { countryCodeV2 provinceCode city phone }
      smsMarketingConsent { marketingState marketingOptInLevel consentUpdatedAt consentCollectedFrom }
    } }
  }
}`;
    case "orders":
      return `{
  orders(query: "processed_at:>='${ordersSince.toISOString()}'") {
    edges { node {
      id name createdAt updatedAt processedAt cancelledAt currencyCode displayFinancialStatus discountCodes
      totalPriceSet ${money}
      customer { id }
      lineItems { edges { node { ${line} vendor } } }
    } }
  }
}`;
    case "checkouts":
      return `{
  abandonedCheckouts {
    edges { node {
      id abandonedCheckoutUrl createdAt updatedAt completedAt
      totalPriceSet ${money}
      customer { id }
      lineItems { edges { node { ${line} } } }
    } }
  }
}`;
  }
}

/** The resource a bulk query is for (the stand-in uses it to pick its data). */
export function resourceOfQuery(query: string): SyncResource | null {
  const root = /^\s*\{\s*(\w+)/.exec(query)?.[1];
  switch (root) {
    case "products":
      return "products";
    case "inventoryItems":
      return "inventory";
    case "customers":
      return "customers";
    case "orders":
      return "orders";
    case "abandonedCheckouts":
      return "checkouts";
    default:
      return null;
  }
}

/** "gid://shopify/Customer/123" → "123" (the id webhooks carry). */
export const legacyId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);
/** "gid://shopify/ProductVariant/1" → "ProductVariant" */
export const gidType = (gid: string) => /^gid:\/\/shopify\/(\w+)\//.exec(gid)?.[1] ?? null;
