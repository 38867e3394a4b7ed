import { afterEach, describe, expect, it } from "vitest";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { loader as layoutLoader } from "../../app/routes/app";
import { loader as devLogin } from "../../app/routes/dev.login";
import { mintSessionToken } from "../../app/admin/session-token.server";
import { devLoginEnabled, devShopFromCookie, withDevSessionToken } from "../../app/admin/dev-login.server";
import { DEMO_API_SECRET } from "../../app/config/demo";
import { installOfflineSession } from "../support/admin-api";
import { loadEnv } from "../../app/config/env.server";
import { AdminClient } from "../support/admin-pages";

const args = (request: Request) => ({ request, params: {}, context: {} });

const testAppUrl = process.env.SHOPIFY_APP_URL;

describe("admin authentication", () => {
  afterEach(() => {
    delete process.env.DEV_ADMIN_LOGIN;
    process.env.SHOPIFY_APP_URL = testAppUrl;
  });

  it("admits a request with Shopify's session token for the shop, and creates the shop on first sight", async () => {
    const client = new AdminClient("auth-a.myshopify.com");
    const data = await client.load(layoutLoader, "/app");
    expect(data).toMatchObject({ apiKey: API_KEY, devShop: null });
  });

  it("refuses a token signed with another secret, and a request with no token", async () => {
    const client = new AdminClient("auth-a.myshopify.com");
    const forged = mintSessionToken({ shop: "auth-a.myshopify.com", apiKey: API_KEY, apiSecret: "not-the-secret" });
    const request = new Request("https://sms-app.example/app", { headers: { authorization: `Bearer ${forged}` } });
    expect(await client.statusOf(layoutLoader(args(request)))).toBe(401);
    const bare = await client.statusOf(layoutLoader(args(new Request("https://sms-app.example/app"))));
    expect([302, 401]).toContain(bare);
  });

  it("accepts the token the development login mints, which has the shape of Shopify's", async () => {
    const client = new AdminClient("auth-b.myshopify.com");
    await client.request("/app"); // installs the offline session
    const token = mintSessionToken({ shop: "auth-b.myshopify.com", apiKey: API_KEY, apiSecret: API_SECRET_KEY });
    const request = new Request("https://sms-app.example/app", { headers: { authorization: `Bearer ${token}` } });
    expect(await layoutLoader(args(request))).toMatchObject({ apiKey: API_KEY });
  });

  it("keeps the development login off unless DEV_ADMIN_LOGIN=1, and never allows it in production", async () => {
    const client = new AdminClient("x.myshopify.com");
    expect(
      await client.statusOf(devLogin(args(new Request("https://sms-app.example/dev/login?shop=dev-a.myshopify.com")))),
    ).toBe(404);
    const cookieRequest = new Request("https://sms-app.example/app", {
      headers: { cookie: "sms_dev_shop=dev-a.myshopify.com" },
    });
    expect((await withDevSessionToken(cookieRequest)).headers.get("authorization")).toBeNull();
    const production = {
      NODE_ENV: "production",
      SHOPIFY_API_KEY: "k",
      SHOPIFY_API_SECRET: "s",
      SHOPIFY_APP_URL: "https://a.example",
      APP_ENCRYPTION_KEY: Buffer.alloc(32).toString("base64"),
    };
    expect(() => loadEnv({ ...production, DEV_ADMIN_LOGIN: "1" })).toThrow(/DEV_ADMIN_LOGIN/);
  });

  it("with the development login on, /dev/login signs the browser in and its requests pass authenticate.admin", async () => {
    process.env.DEV_ADMIN_LOGIN = "1";
    process.env.SHOPIFY_APP_URL = "http://localhost:3000";
    const response = (await devLogin(
      args(new Request("https://sms-app.example/dev/login?shop=dev-b.myshopify.com")),
    )) as Response;
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/app");
    const cookie = response.headers.get("set-cookie")!.split(";")[0];
    const request = new Request("https://sms-app.example/app", { headers: { cookie } });
    expect(devShopFromCookie(request)).toBe("dev-b.myshopify.com");
    expect(await layoutLoader(args(request))).toMatchObject({ devShop: "dev-b.myshopify.com" });
    const client = new AdminClient("x.myshopify.com");
    expect(
      await client.statusOf(devLogin(args(new Request("https://sms-app.example/dev/login?shop=evil.example.com")))),
    ).toBe(400);
  });

  describe("the development login's guards (NODE_ENV alone is not one)", () => {
    it("GIVEN DEV_ADMIN_LOGIN=1 in development on a public app URL WHEN /dev/login is asked THEN 404, and a cookie gets no token", async () => {
      process.env.DEV_ADMIN_LOGIN = "1";
      process.env.SHOPIFY_APP_URL = "https://staging.sms-app.example";
      const client = new AdminClient("x.myshopify.com");
      expect(
        await client.statusOf(
          devLogin(args(new Request("https://staging.sms-app.example/dev/login?shop=s.myshopify.com"))),
        ),
      ).toBe(404);
      const cookieRequest = new Request("https://staging.sms-app.example/app", {
        headers: { cookie: "sms_dev_shop=s.myshopify.com" },
      });
      expect((await withDevSessionToken(cookieRequest)).headers.get("authorization")).toBeNull();
    });

    it("GIVEN a public app URL WHEN the app runs with the demo's made-up secret THEN the login is allowed", () => {
      const env = { NODE_ENV: "development", DEV_ADMIN_LOGIN: "1", SHOPIFY_APP_URL: "https://demo.example" };
      expect(devLoginEnabled(env)).toBe(false);
      expect(devLoginEnabled({ ...env, SHOPIFY_API_SECRET: DEMO_API_SECRET })).toBe(true);
      expect(devLoginEnabled({ ...env, SHOPIFY_APP_URL: "http://127.0.0.1:3000" })).toBe(true);
    });

    it("GIVEN a shop installed through Shopify (a real offline session) WHEN the development login is asked for it on loopback THEN 403, and its cookie gets no token", async () => {
      process.env.DEV_ADMIN_LOGIN = "1";
      process.env.SHOPIFY_APP_URL = "http://localhost:3000";
      await installOfflineSession("real-installed.myshopify.com", "shpat_real_token");
      const client = new AdminClient("x.myshopify.com");
      expect(
        await client.statusOf(
          devLogin(args(new Request("http://localhost:3000/dev/login?shop=real-installed.myshopify.com"))),
        ),
      ).toBe(403);
      const cookieRequest = new Request("http://localhost:3000/app", {
        headers: { cookie: "sms_dev_shop=real-installed.myshopify.com" },
      });
      expect((await withDevSessionToken(cookieRequest)).headers.get("authorization")).toBeNull();
      expect(await client.statusOf(layoutLoader(args(cookieRequest)))).not.toBe(200);
    });
  });
});
