import { API_KEY, API_SECRET_KEY, getJwt } from "@shopify/shopify-api/test-helpers";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { installOfflineSession } from "./admin-api";

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;
type Action = (args: ActionFunctionArgs) => Promise<unknown>;
/** What the page receives: `data(value, init)` (Remix single fetch) unwrapped to its value. */
type Unwrapped<R> = R extends { data: infer D; init: ResponseInit | null } ? D : R;
type Data<F> = F extends (...args: never[]) => Promise<infer R> ? Unwrapped<Exclude<R, Response>> : never;

/**
 * The admin as Shopify's embedded admin calls it: a request carrying a session token for
 * `shop` (signed by @shopify/shopify-api's test helper with the app's secret), into the
 * real loaders and actions. The shop's offline session is installed first, as token
 * exchange would leave it.
 */
export class AdminClient {
  private ready?: Promise<void>;
  constructor(readonly shop: string) {}

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string | string[]>; json?: unknown } = {},
  ): Promise<Request> {
    await (this.ready ??= installOfflineSession(this.shop));
    // getJwt takes the store name ("auth-a"), as Shopify test helpers do, and signs for <name>.myshopify.com.
    const { token } = await getJwt(this.shop.replace(/\.myshopify\.com$/, ""), API_KEY, API_SECRET_KEY);
    const headers = new Headers({ authorization: `Bearer ${token}` });
    let body: BodyInit | undefined;
    if (init.form) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const item of [v].flat()) form.append(k, item);
      body = form;
      headers.set("content-type", "application/x-www-form-urlencoded");
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      headers.set("content-type", "application/json");
    }
    return new Request(`https://sms-app.example${path}`, {
      method: init.method ?? (body ? "POST" : "GET"),
      headers,
      body,
    });
  }

  /** Runs a route's loader; a thrown or returned Response comes back as the Response. */
  async load<L extends Loader>(loader: L, path: string, params: Record<string, string> = {}): Promise<Data<L>> {
    return settle(loader({ request: await this.request(path), params, context: {} })) as Promise<Data<L>>;
  }

  async act<A extends Action>(
    action: A,
    path: string,
    form: Record<string, string | string[]>,
    params: Record<string, string> = {},
  ): Promise<Data<A>> {
    return settle(this.post(action, path, form, params)) as Promise<Data<A>>;
  }

  /** Runs an action and returns what it answered, unwrapped by nobody: pass it to statusOf. */
  async post<A extends Action>(
    action: A,
    path: string,
    form: Record<string, string | string[]>,
    params: Record<string, string> = {},
  ): Promise<unknown> {
    return action({ request: await this.request(path, { form }), params, context: {} });
  }

  /** The status a loader/action answers with when it refuses (404, 401, 400, ...). */
  async statusOf(run: Promise<unknown>): Promise<number> {
    try {
      const result = await run;
      if (result instanceof Response) return result.status;
      return isDataWithInit(result) ? (result.init?.status ?? 200) : 200;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown.status;
      if (thrown instanceof UnexpectedResponse) return thrown.response.status;
      throw thrown;
    }
  }
}

async function settle(run: Promise<unknown>): Promise<unknown> {
  try {
    const result = await run;
    if (result instanceof Response) throw new UnexpectedResponse(result);
    // `data(value, { status })` (Remix single fetch): the value, as the page receives it.
    return isDataWithInit(result) ? result.data : result;
  } catch (thrown) {
    if (thrown instanceof Response) throw new UnexpectedResponse(thrown);
    throw thrown;
  }
}

function isDataWithInit(
  value: unknown,
): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";
}

/** A loader/action answered with a Response (redirect, 404, 401...) where data was expected. */
export class UnexpectedResponse extends Error {
  constructor(readonly response: Response) {
    super(`answered ${response.status} ${response.headers.get("location") ?? ""}`.trim());
  }
}
