import { afterAll, afterEach, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { providers } from "../../app/runtime/services.server";
import { action, loader } from "../../app/routes/app.settings";
import { AdminClient } from "../support/admin-pages";
import { interceptAdminApi } from "../support/admin-api";
import { uniqueShop } from "../support/app";
import { devLoginCookie, devOfflineSession } from "../../app/admin/dev-login.server";
import { sessionStorage } from "../../app/runtime/shopify.server";
import { startTwilioServer } from "../support/twilio-server";

const SID = `AC${"a1".repeat(16)}`;
const TOKEN = "f3".repeat(16);
interface Outcome {
  intent: string;
  errors?: Record<string, string>;
  notice?: string;
  warning?: string;
}
// Everything a disclosure must say before it is published (app/consent/disclosure-rules.ts).
const DISCLOSURE =
  "Northbean: recurring automated marketing texts about offers and restocks, up to 4 msgs/month. Consent is not a condition of purchase. Msg & data rates may apply. Reply HELP for help, STOP to opt out.";
const RULES = {
  intent: "rules",
  senderName: "Northbean",
  quietStart: "21:00",
  quietEnd: "08:30",
  frequencyCapCount: "2",
  frequencyCapHours: "48",
  attributionClickDays: "7",
  attributionSendHours: "12",
};

// Shopify's Admin API: the shop's id and metafieldsSet (refused for shops named "refuse-…").
const adminApi = interceptAdminApi((call) =>
  call.query.includes("ShopId")
    ? { data: { shop: { id: "gid://shopify/Shop/9" } } }
    : {
        data: {
          metafieldsSet: {
            metafields: [],
            userErrors: call.shop.startsWith("refuse-") ? [{ field: ["value"], message: "Value is too long" }] : [],
          },
        },
      },
);
afterAll(() => adminApi.restore());

async function settingsShop(label: string) {
  const domain = uniqueShop(label);
  const shop = await ensureShop(db, domain);
  await db.shop.update({ where: { id: shop.id }, data: { name: "Northbean" } }); // the brand the disclosure names
  adminApi.shop(domain);
  const client = new AdminClient(domain);
  // The action always answers with data(…, init); AdminClient hands back the value inside.
  const post = async (form: Record<string, string>) =>
    (await client.act(action, "/app/settings", form)) as unknown as Outcome;
  const status = async (form: Record<string, string>) =>
    client.statusOf(action({ request: await client.request("/app/settings", { form }), params: {}, context: {} }));
  const settings = () => db.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } });
  return { domain, shop, client, post, status, settings };
}

describe("settings: sending rules and attribution windows", () => {
  it("shows the defaults and saves valid values", async () => {
    const { client, post, settings } = await settingsShop("rules");
    expect((await client.load(loader, "/app/settings")).rules).toEqual({
      senderName: "",
      quietStart: "20:00",
      quietEnd: "09:00",
      frequencyCapCount: "1",
      frequencyCapHours: "24",
      attributionClickDays: "5",
      attributionSendHours: "24",
    });
    expect(await post(RULES)).toMatchObject({ intent: "rules", notice: expect.any(String) });
    expect(await settings()).toMatchObject({
      senderName: "Northbean",
      quietHoursStartMinute: 21 * 60,
      quietHoursEndMinute: 8 * 60 + 30,
      frequencyCapCount: 2,
      frequencyCapHours: 48,
      attributionClickDays: 7,
      attributionSendHours: 12,
    });
    expect((await client.load(loader, "/app/settings")).rules).toMatchObject({
      quietStart: "21:00",
      quietEnd: "08:30",
    });
  });

  it("refuses invalid values with one message per field and changes nothing", async () => {
    const { post, status, settings } = await settingsShop("rules-bad");
    const before = await settings();
    const bad = {
      ...RULES,
      senderName: "x".repeat(31),
      quietStart: "25:00",
      frequencyCapCount: "0",
      frequencyCapHours: "1.5",
      attributionClickDays: "abc",
      attributionSendHours: "500",
    };
    expect(await status(bad)).toBe(400);
    expect((await post(bad)).errors).toEqual({
      senderName: expect.stringMatching(/30/),
      quietStart: expect.stringMatching(/HH:MM/),
      frequencyCapCount: "At least 1 texts",
      frequencyCapHours: "Enter a whole number",
      attributionClickDays: "Enter a number",
      attributionSendHours: "At most 168 hours",
    });
    expect((await post({ ...RULES, quietEnd: "21:00" })).errors).toEqual({
      quietEnd: expect.stringMatching(/different/),
    });
    expect(await settings()).toEqual(before);
  });

  it("shop B's posts only ever change shop B: shop A's settings stay as they were", async () => {
    const a = await settingsShop("rules-a");
    const b = await settingsShop("rules-b");
    const before = await a.settings();
    await b.post(RULES);
    await b.post({ intent: "twilio", accountSid: SID, authToken: TOKEN, from: "+14155550100" });
    await b.post({ intent: "disclosure", disclosureText: DISCLOSURE });
    expect(await a.settings()).toEqual(before);
    expect((await b.settings()).frequencyCapCount).toBe(2);
  });

  it("lists the rules in force per country and state, with the law's limit where the settings are looser", async () => {
    // GIVEN quiet hours 07:00–22:00 and 5 texts a day: looser than Florida's 08:00–20:00 and 3 a day
    const { client, post } = await settingsShop("rules-country");
    await post({ ...RULES, quietStart: "22:00", quietEnd: "07:00", frequencyCapCount: "5", frequencyCapHours: "24" });
    // WHEN the page loads
    const rules = (await client.load(loader, "/app/settings")).rulesInForce;
    // THEN each jurisdiction shows its own rule, what applies for this shop, and the source
    const by = (place: string) => rules.find((r) => r.place === place);
    expect(by("US")).toMatchObject({ inForce: "08:00–21:00 local (your quiet hours are looser: clamped)" });
    expect(by("US-FL")).toMatchObject({
      inForce:
        "08:00–20:00 local (your quiet hours are looser: clamped), at most 3 per 24 h (your cap is looser: clamped)",
      source: expect.stringMatching(/501\.616/),
    });
    expect(by("US-OK")?.inForce).toMatch(/at most 3 per 24 h/);
    expect(by("US-MD")?.inForce).toMatch(/08:00–20:00/);
    expect(by("MY")).toMatchObject({ rule: expect.stringMatching(/RM0\.00/), inForce: null });
  });

  it("saves the HELP reply, the help contact and whether the provider answers HELP itself", async () => {
    const { post, settings } = await settingsShop("rules-help");
    await post({ intent: "help", contactInfo: "care@northbean.example", helpText: "", providerAnswersHelp: "on" });
    expect(await settings()).toMatchObject({
      contactInfo: "care@northbean.example",
      helpText: null,
      providerAnswersHelp: true,
    });
  });

  it("refuses a HELP reply that doesn't say how to stop", async () => {
    const { post, settings } = await settingsShop("rules-help-bad");
    const answer = await post({ intent: "help", contactInfo: "", helpText: "{brand}: call {contact}." });
    expect(answer).toMatchObject({ errors: { helpText: expect.stringMatching(/opt out/) } });
    expect((await settings()).helpText).toBeNull();
  });
});

describe("settings: SMS provider", () => {
  it("stores Twilio credentials sealed, never shows the token, keeps it when left empty, and switches back to the outbox", async () => {
    const { client, post, settings } = await settingsShop("twilio");
    expect((await client.load(loader, "/app/settings")).provider).toEqual({ provider: "outbox" });
    expect(
      await post({
        intent: "twilio",
        accountSid: SID,
        authToken: TOKEN,
        from: "+14155550100",
        messagingServiceSid: "",
      }),
    ).toMatchObject({ notice: expect.stringMatching(/Twilio connected/) });
    const stored = await settings();
    expect(stored.provider).toBe("twilio");
    expect(stored.providerCredentialsEnc).toMatch(/^v2:/);
    expect(stored.providerCredentialsEnc).not.toContain(TOKEN);
    const page = await client.load(loader, "/app/settings");
    expect(page.provider).toEqual({
      provider: "twilio",
      accountSid: SID,
      from: "+14155550100",
      messagingServiceSid: null,
      readable: true,
    });
    expect(JSON.stringify(page)).not.toContain(TOKEN);

    // A new number, token left empty: the stored token stays.
    await post({ intent: "twilio", accountSid: SID, authToken: "", from: "+14155550199" });
    expect(await providers.twilioCredentials(stored.shopId)).toMatchObject({ authToken: TOKEN, from: "+14155550199" });

    await post({ intent: "outbox" });
    expect(await settings()).toMatchObject({ provider: "outbox", providerCredentialsEnc: null });
  });

  it("explains bad credentials field by field", async () => {
    const { post, settings } = await settingsShop("twilio-bad");
    expect((await post({ intent: "twilio", accountSid: "AC123", authToken: "", from: "" })).errors).toEqual({
      authToken: "Enter the Auth Token",
    });
    expect(
      (
        await post({
          intent: "twilio",
          accountSid: "AC123",
          authToken: "short",
          from: "4155550100",
          messagingServiceSid: "MGnope",
        })
      ).errors,
    ).toEqual({
      accountSid: expect.stringMatching(/starts with AC/),
      authToken: expect.stringMatching(/Auth Token/),
      from: expect.stringMatching(/\+15551234567/),
      messagingServiceSid: expect.stringMatching(/starts with MG/),
    });
    expect((await post({ intent: "twilio", accountSid: SID, authToken: TOKEN, from: "" })).errors).toEqual({
      from: expect.stringMatching(/From number or a Messaging Service SID/),
    });
    expect((await settings()).provider).toBe("outbox");
  });

  it("a test send reaches the outbox; a bad number is explained", async () => {
    const { post, status } = await settingsShop("test-send");
    const result = await post({ intent: "test", phone: "+14155550177" });
    expect(result).toMatchObject({ intent: "test", notice: expect.stringMatching(/accepted by outbox/) });
    expect(providers.outbox.sent.at(-1)).toMatchObject({
      to: "+14155550177",
      body: expect.stringMatching(/test text/),
    });
    expect(await status({ intent: "test", phone: "12" })).toBe(400);
    expect((await post({ intent: "test", phone: "12" })).errors).toEqual({
      phone: expect.stringMatching(/country code/),
    });
  });

  it("a test send goes through Twilio when connected, and a refusal from Twilio is explained", async () => {
    const twilio = await startTwilioServer({ [SID]: TOKEN });
    try {
      const { shop, post } = await settingsShop("test-twilio");
      await providers.useTwilio(shop.id, {
        accountSid: SID,
        authToken: TOKEN,
        from: "+14155550100",
        baseUrl: twilio.url,
      });
      expect(await post({ intent: "test", phone: "+14155550178" })).toMatchObject({
        notice: expect.stringMatching(/accepted by twilio \(SM/),
      });
      expect(twilio.received.at(-1)!.params).toMatchObject({ To: "+14155550178", From: "+14155550100" });

      await providers.useTwilio(shop.id, {
        accountSid: SID,
        authToken: "0".repeat(32),
        from: "+14155550100",
        baseUrl: twilio.url,
      });
      expect((await post({ intent: "test", phone: "+14155550178" })).errors).toEqual({
        phone: expect.stringMatching(/refused the Account SID/),
      });
    } finally {
      await twilio.close();
    }
  });
});

describe("settings: checkout disclosure", () => {
  it("saves the wording and publishes it to the shop metafield the extension reads", async () => {
    const { domain, post, settings } = await settingsShop("disclosure");
    expect(await post({ intent: "disclosure", disclosureText: DISCLOSURE })).toMatchObject({
      notice: expect.stringMatching(/published/),
    });
    const set = adminApi.calls.find((c) => c.shop === domain && c.query.includes("metafieldsSet"))!;
    expect(set.variables).toEqual({
      metafields: [
        {
          ownerId: "gid://shopify/Shop/9",
          namespace: "$app:sms",
          key: "disclosure",
          type: "multi_line_text_field",
          value: DISCLOSURE,
        },
      ],
    });
    expect(await settings()).toMatchObject({ disclosureText: DISCLOSURE, disclosurePublishedAt: expect.any(Date) });
  });

  it("when Shopify refuses, the text is saved, marked unpublished, and the page warns instead of failing", async () => {
    const domain = `refuse-${uniqueShop("disclosure")}`;
    const shop = await ensureShop(db, domain);
    await db.shop.update({ where: { id: shop.id }, data: { name: "Northbean" } });
    adminApi.shop(domain);
    const result = await new AdminClient(domain).act(action, "/app/settings", {
      intent: "disclosure",
      disclosureText: DISCLOSURE,
    });
    expect(result).toMatchObject({
      notice: "Disclosure saved.",
      warning: expect.stringMatching(/not published.*Value is too long/),
    });
    expect(await db.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } })).toMatchObject({
      disclosureText: DISCLOSURE,
      disclosurePublishedAt: null,
    });
  });

  it("requires wording that says how to opt out", async () => {
    const { post, settings } = await settingsShop("disclosure-bad");
    expect((await post({ intent: "disclosure", disclosureText: "Get our texts!" })).errors).toEqual({
      disclosureText: expect.stringMatching(/at least 40/),
    });
    expect(
      (
        await post({
          intent: "disclosure",
          disclosureText: DISCLOSURE.replace("STOP to opt out", "write to us to leave"),
        })
      ).errors,
    ).toEqual({
      disclosureText: expect.stringMatching(/opt out/),
    });
    expect((await settings()).disclosureText).toBeNull();
  });

  it("GIVEN wording without the brand, recurring marketing, frequency, rates, no-purchase-condition or HELP WHEN published THEN it is refused, naming each gap", async () => {
    const { post, settings } = await settingsShop("disclosure-gaps");
    const result = await post({
      intent: "disclosure",
      disclosureText: "Get texts about offers and restocks from us. Reply STOP to opt out of these texts.",
    });
    expect(result.errors?.disclosureText).toBe(
      "The disclosure must also say: the brand name; that the texts are recurring automated marketing messages; " +
        "how often (e.g. “up to 4 msgs/month” or “Msg frequency varies”); “Msg & data rates may apply”; " +
        "that consent is not a condition of purchase; how to get help (“Reply HELP”).",
    );
    expect((await settings()).disclosureText).toBeNull();
    expect(await db.disclosureVersion.count({ where: { shopId: (await settings()).shopId } })).toBe(0);
  });
});

describe("settings through the development login", () => {
  const appUrl = process.env.SHOPIFY_APP_URL;
  afterEach(() => {
    delete process.env.DEV_ADMIN_LOGIN;
    process.env.SHOPIFY_APP_URL = appUrl;
  });

  it("the action still reads its form after requireShop minted the token (the body is not taken)", async () => {
    process.env.DEV_ADMIN_LOGIN = "1";
    process.env.SHOPIFY_APP_URL = "http://localhost:3000"; // the development login opens on loopback only
    const domain = uniqueShop("dev-login");
    const shop = await ensureShop(db, domain);
    await sessionStorage.storeSession(devOfflineSession(domain)); // as /dev/login leaves it
    const request = new Request("https://sms-app.example/app/settings", {
      method: "POST",
      headers: { cookie: devLoginCookie(domain).split(";")[0]!, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(RULES),
    });
    const result = await action({ request, params: {}, context: {} });
    expect(result).toMatchObject({ intent: "rules", notice: expect.any(String) });
    expect((await db.shopSettings.findUniqueOrThrow({ where: { shopId: shop.id } })).frequencyCapCount).toBe(2);
  });
});
