import { afterAll, beforeAll } from "vitest";
import db from "../../app/db.server";
import { DAY, MINUTE } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { TwilioCredentials } from "../../app/sms/twilio.server";
import { action as inbound } from "../../app/routes/twilio.inbound.$shop";
import { TestShop, testProviders, uniqueShop } from "./app";
import { customerPayload } from "./fixtures";
import { startTwilioServer, twilioCallback } from "./twilio-server";

/**
 * A local server speaking Twilio's protocol for one test file, Twilio-backed shops with a
 * subscribed shopper, and inbound texts signed as Twilio signs them into the real route.
 */
export function useTwilioServer(accountSid = `AC${"d4".repeat(16)}`, authToken = "s".repeat(32)) {
  let server: Awaited<ReturnType<typeof startTwilioServer>>;
  beforeAll(async () => {
    server = await startTwilioServer({ [accountSid]: authToken });
  });
  afterAll(() => server.close());

  let phone = 7000 + (process.pid % 2000);
  const appUrl = () => process.env.SHOPIFY_APP_URL!.replace(/\/$/, "");
  const args = (request: Request, params: Record<string, string>) => ({ request, params, context: {} });

  /**
   * A Twilio-backed shop with a subscribed shopper. The routes run on the wall clock, so the
   * shop's clock starts just ahead of it (replies they queue are due when the test works).
   */
  async function twilioShop(label: string, flowKey?: string) {
    const shop = new TestShop(uniqueShop(label), new Date(Date.now() + MINUTE));
    const { id: shopId } = await ensureShop(db, shop.domain);
    await testProviders.useTwilio(
      shopId,
      TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: server.url }),
    );
    await db.shopSettings.update({
      where: { shopId },
      data: { contactInfo: "help@northbean.example", quietHoursStartMinute: 1440, quietHoursEndMinute: 0 },
    });
    if (flowKey) await db.flow.update({ where: { shopId_key: { shopId, key: flowKey } }, data: { enabled: true } });
    // In London with the shop's quiet hours off: no US hours rule, so sends never wait on the wall clock.
    const customer = customerPayload({
      updatedAt: new Date(Date.now() - DAY),
      smsState: "subscribed",
      phone: `+447400${String(++phone).padStart(6, "0")}`,
      country: "GB",
      countryName: "United Kingdom",
      province: "ENG",
      city: "London",
    });
    await shop.deliver("customers/create", customer);
    return { shop, shopId, customer };
  }

  function text(
    domain: string,
    from: string,
    body: string,
    sid = `SM${Math.random().toString(16).slice(2).padEnd(32, "0")}`,
    token = authToken,
  ) {
    const url = `${appUrl()}/twilio/inbound/${domain}`;
    return inbound(
      args(
        twilioCallback(url, token, {
          AccountSid: accountSid,
          MessageSid: sid,
          From: from,
          To: "+14155550100",
          Body: body,
          NumMedia: "0",
        }),
        { shop: domain },
      ),
    );
  }
  const repliesTo = (to: string) => server.received.filter((r) => r.params.To === to).map((r) => r.params.Body);
  return { twilioShop, text, repliesTo, appUrl, args, accountSid, authToken };
}
