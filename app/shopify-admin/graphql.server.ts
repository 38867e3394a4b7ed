/**
 * Admin GraphQL calls made in the background (jobs, webhook processing), with the shop's
 * offline session from session storage. A dependency of the domain modules, so the
 * embedded demo (no Shopify) can run without one; the tests intercept it at HTTP level.
 */
export type AdminGraphql = <T = Record<string, unknown>>(
  shopDomain: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<T>;

export class AdminApiError extends Error {}
/** The shop has no offline session (not installed with a token: the offline demo). */
export class NoAdminAccess extends AdminApiError {}

export const shopifyAdminGraphql: AdminGraphql = async <T>(
  shopDomain: string,
  query: string,
  variables?: Record<string, unknown>,
) => {
  // Imported lazily: the Shopify app object reads its configuration from the environment.
  const { sessionStorage, unauthenticated } = await import("../shopify.server");
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
