import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { DAY, HOUR } from "../../app/clock";
import { customerPayload, orderPayload } from "../../dev/simulator/shopify-payloads";
import { handleInbound } from "../../app/messaging/inbound.server";
import { scheduleMessage } from "../../app/schedule/messages.server";
import { recordClick } from "../../app/tracking/links.server";
import { action as composeAction } from "../../app/routes/app.campaigns.new";
import { AdminClient } from "./admin-pages";
import { TestShop, uniqueShop } from "./app";

let phone = 3000 + (process.pid % 900);
const nextPhone = () => String(++phone).padStart(4, "0");

/**
 * A shop whose one-time buyers are three subscribed San Franciscans (Ava, Omar, Mei), one
 * without consent (Finn) and one subscribed shopper in Kuala Lumpur (Siti). Its clock is
 * 20:00 UTC two days ahead of the wall clock: midday in San Francisco, 04:00 in Kuala
 * Lumpur, so a send at that time goes to the three and holds Siti for quiet hours. Admin
 * actions run on the wall clock, so everything they queue is already due on this clock.
 */
export async function shopWithBuyers(label: string) {
  const start = new Date(Math.floor((Date.now() + 2 * DAY) / DAY) * DAY + 20 * HOUR);
  const shop = new TestShop(uniqueShop(label), start);
  const { id: shopId } = await ensureShop(db, shop.domain);
  await db.shop.update({ where: { id: shopId }, data: { countryCode: "US" } });
  await db.shopSettings.update({ where: { shopId }, data: { messagesPerSecond: 10 } });
  const people = [
    { firstName: "Ava", lastName: "Lindqvist", smsState: "subscribed" as const, phone: `+1415555${nextPhone()}` },
    { firstName: "Omar", lastName: "Haddad", smsState: "subscribed" as const, phone: `+1415555${nextPhone()}` },
    { firstName: "Mei", lastName: "Tanaka", smsState: "subscribed" as const, phone: `+1415555${nextPhone()}` },
    { firstName: "Finn", lastName: "Byrne", smsState: "not_subscribed" as const, phone: `+1415555${nextPhone()}` },
    {
      firstName: "Siti",
      lastName: "Rahman",
      smsState: "subscribed" as const,
      phone: `+6012${nextPhone()}${String(phone % 1000).padStart(3, "0")}`,
      country: "MY",
      countryName: "Malaysia",
      province: "",
      provinceName: "",
      city: "Kuala Lumpur",
      zip: "50000",
    },
  ];
  for (const person of people) {
    const customer = customerPayload({ updatedAt: shop.clock.now(), ...person });
    await shop.deliver("orders/create", orderPayload({ customer, at: new Date(shop.clock.now().getTime() - HOUR) }));
  }
  const segment = await db.segment.findFirstOrThrow({ where: { shopId, key: "one-time-buyers" } });
  const customers = Object.fromEntries(
    (await db.customer.findMany({ where: { shopId } })).map((c) => [c.firstName!, c]),
  );
  return { shop, shopId, segment, customers };
}

/**
 * A campaign went to the one-time buyers (three delivered, Siti held for the night in Kuala
 * Lumpur), a text to Finn, who never consented, was blocked, Ava clicked and replied.
 */
export async function shopAfterCampaign(label: string) {
  const seeded = await shopWithBuyers(label);
  const { shop, shopId, segment, customers } = seeded;
  const client = new AdminClient(shop.domain);
  const request = await client.request("/app/campaigns/new", {
    form: {
      intent: "create",
      name: "Weekend sale",
      segmentId: segment.id,
      body: "Hi {{ first_name }}: https://shop.example/sale",
      when: "now",
    },
  });
  await composeAction({ request, params: {}, context: {} });
  await scheduleMessage(shop.deps, {
    shopId,
    customerId: customers.Finn!.id,
    body: "Psst, Finn",
    purpose: "marketing",
    idempotencyKey: "test:finn",
    dueAt: shop.clock.now(),
  });
  await shop.work();
  const avaText = await db.message.findFirstOrThrow({
    where: { shopId, customerId: customers.Ava!.id, direction: "OUTBOUND" },
  });
  const link = await db.trackedLink.findFirstOrThrow({ where: { messageId: avaText.id } });
  await recordClick(db, link.code, shop.clock.now());
  await handleInbound(shop.deps, shopId, {
    from: customers.Ava!.phone!,
    body: "Love it, thanks!",
    providerMessageId: `SM-${label}-1`,
  });
  await shop.work();
  const campaign = await db.campaign.findFirstOrThrow({ where: { shopId } });
  return { ...seeded, client, campaign, avaText };
}
