import { getGlobalDispatcher, MockAgent, setGlobalDispatcher, type Dispatcher } from "undici";
import { Session } from "@shopify/shopify-api";
import { API_VERSION } from "../../app/api-version";
import { sessionStorage } from "../../app/runtime/shopify.server";

export interface AdminCall {
  shop: string;
  accessToken: string | undefined;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Shopify's Admin GraphQL API intercepted at the HTTP level (undici's MockAgent under
 * Node's fetch): the app's real Admin client sends real requests, the test sees each one
 * and answers like Shopify would.
 */
export function interceptAdminApi(answer: (call: AdminCall) => unknown) {
  const previous: Dispatcher = getGlobalDispatcher();
  const agent = new MockAgent();
  agent.enableNetConnect(/127\.0\.0\.1|localhost/);
  setGlobalDispatcher(agent);
  const calls: AdminCall[] = [];
  return {
    calls,
    /** Answers this shop's Admin GraphQL requests (any number of them). */
    shop(domain: string) {
      agent
        .get(`https://${domain}`)
        .intercept({ path: `/admin/api/${API_VERSION}/graphql.json`, method: "POST" })
        .reply(
          200,
          (options) => {
            const { query, variables } = JSON.parse(String(options.body)) as {
              query: string;
              variables: Record<string, unknown>;
            };
            const headers = options.headers as Record<string, string>;
            const call = {
              shop: domain,
              accessToken: headers["X-Shopify-Access-Token"] ?? headers["x-shopify-access-token"],
              query,
              variables,
            };
            calls.push(call);
            return answer(call) as object;
          },
          { headers: { "Content-Type": "application/json" } },
        )
        .persist();
    },
    /** Answers Shopify's token exchange for this shop (what a first admin request after install triggers). */
    tokenExchange(domain: string, scope = process.env.SCOPES ?? "") {
      agent
        .get(`https://${domain}`)
        .intercept({ path: "/admin/oauth/access_token", method: "POST" })
        .reply(200, { access_token: "shpat_exchanged", scope }, { headers: { "Content-Type": "application/json" } })
        .persist();
    },
    restore: () => setGlobalDispatcher(previous),
  };
}

/** The offline session Shopify's token exchange leaves after install. */
export async function installOfflineSession(shop: string, accessToken = "shpat_test_token") {
  await sessionStorage.storeSession(
    new Session({
      id: `offline_${shop}`,
      shop,
      state: "installed",
      isOnline: false,
      accessToken,
      scope: "write_discounts,write_customers",
    }),
  );
}
