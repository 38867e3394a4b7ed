/**
 * The made-up app secret `npm run demo` runs with when none is given. No Shopify store can
 * sign anything with it, so the development login may open on a non-loopback URL with it
 * (app/admin/dev-login.server.ts).
 */
export const DEMO_API_SECRET = "demo-api-secret";
