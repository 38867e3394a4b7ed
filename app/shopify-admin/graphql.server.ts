/**
 * Admin GraphQL calls made in the background (jobs, webhook processing), with the shop's
 * offline session from session storage. A dependency of the domain modules, so the
 * embedded demo (no Shopify) can run without one; the tests intercept it at HTTP level.
 */
export type AdminGraphql = <T = Record<string, unknown>>(shopDomain: string, query: string, variables?: Record<string, unknown>) => Promise<T>;

export class AdminApiError extends Error {}

export const shopifyAdminGraphql: AdminGraphql = async <T,>(shopDomain: string, query: string, variables?: Record<string, unknown>) => {
  // Imported lazily: the Shopify app object reads its configuration from the environment.
  const { unauthenticated } = await import("../shopify.server");
  const { admin } = await unauthenticated.admin(shopDomain);
  const response = await admin.graphql(query, { variables });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new AdminApiError(`Admin API error for ${shopDomain}: ${JSON.stringify(body.errors ?? "no data").slice(0, 500)}`);
  return body.data;
};
