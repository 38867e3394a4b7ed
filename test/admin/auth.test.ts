import { afterEach, describe, expect, it } from "vitest";
import { API_KEY, API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import { loader as layoutLoader } from "../../app/routes/app";
import { loader as devLogin } from "../../app/routes/dev.login";
import { mintSessionToken } from "../../app/admin/session-token.server";
import { devShopFromCookie, withDevSessionToken } from "../../app/admin/dev-login.server";
import { loadEnv } from "../../app/config/env.server";
import { AdminClient } from "../support/admin-pages";

const args = (request: Request) => ({ request, params: {}, context: {} });

describe("admin authentication", () => {
  afterEach(() => {
    delete process.env.DEV_ADMIN_LOGIN;
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
    expect(withDevSessionToken(cookieRequest).headers.get("authorization")).toBeNull();
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
});
