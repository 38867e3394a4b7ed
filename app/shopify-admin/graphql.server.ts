/**
 * Admin GraphQL calls made in the background (jobs, webhook processing), with the shop's
 * offline session. A dependency of the domain modules, so the embedded demo (no Shopify) can run
 * without one; production's implementation is `runtime/shopify-admin-graphql.server` (Shopify's
 * library), the stand-in's is `http-client.server`; the tests intercept them at HTTP level.
 */
export type AdminGraphql = <T = Record<string, unknown>>(
  shopDomain: string,
  query: string,
  variables?: Record<string, unknown>,
) => Promise<T>;

export class AdminApiError extends Error {}
/** The shop has no offline session (not installed with a token: the offline demo). */
export class NoAdminAccess extends AdminApiError {}
