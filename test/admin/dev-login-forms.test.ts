import { afterEach, describe, expect, it } from "vitest";
import { withDevSessionToken } from "../../app/admin/dev-login.server";

describe("the development login with form posts", () => {
  const appUrl = process.env.SHOPIFY_APP_URL;
  afterEach(() => {
    delete process.env.DEV_ADMIN_LOGIN;
    process.env.SHOPIFY_APP_URL = appUrl;
  });

  it("adds the session token without taking the body the action still has to read", async () => {
    process.env.DEV_ADMIN_LOGIN = "1";
    process.env.SHOPIFY_APP_URL = "http://localhost:3000"; // the development login opens on loopback only
    const request = new Request("https://sms-app.example/app/campaigns/new", {
      method: "POST",
      headers: { cookie: "sms_dev_shop=dev-form.myshopify.com", "content-type": "application/x-www-form-urlencoded" },
      body: "intent=estimate&name=Sale",
    });
    const authenticated = await withDevSessionToken(request);
    expect(authenticated.headers.get("authorization")).toMatch(/^Bearer /);
    expect(Object.fromEntries(await request.formData())).toEqual({ intent: "estimate", name: "Sale" });
    expect(await authenticated.text()).toBe("intent=estimate&name=Sale");
  });
});
