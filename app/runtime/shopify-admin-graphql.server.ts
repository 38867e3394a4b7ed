import { AdminApiError, NoAdminAccess, type AdminGraphql } from "../shopify-admin/graphql.server";

/**
 * Production's Admin GraphQL: Shopify's library with the shop's offline session from session storage.
 * Part of the wiring because it reaches the Shopify app object (shopify.server), which domain modules
 * must not import: they take an `AdminGraphql` as a parameter.
 */
export const shopifyAdminGraphql: AdminGraphql = async <T>(
  shopDomain: string,
  query: string,
  variables?: Record<string, unknown>,
) => {
  // Imported lazily: the Shopify app object reads its configuration from the environment when loaded.
  const { sessionStorage, unauthenticated } = await import("./shopify.server");
  if (!(await sessionStorage.loadSession(`offline_${shopDomain}`)))
    throw new NoAdminAccess(`no offline session for ${shopDomain}`);
  const { admin } = await unauthenticated.admin(shopDomain);
  const response = await admin.graphql(query, { variables });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data)
    throw new AdminApiError(
      `Admin API error for ${shopDomain}: ${JSON.stringify(body.errors ?? "no data").slice(0, 500)}`,
    );
  return body.data;
};
