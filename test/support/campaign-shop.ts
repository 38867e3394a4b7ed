import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { DAY, HOUR } from "../../app/clock";
import { customerPayload, orderPayload } from "../../app/simulator/shopify-payloads";
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
    { firstName: "Siti", lastName: "Rahman", smsState: "subscribed" as const, phone: `+6012${nextPhone()}${String(phone % 1000).padStart(3, "0")}`, country: "MY", countryName: "Malaysia", province: "", provinceName: "", city: "Kuala Lumpur", zip: "50000" },
  ];
  for (const person of people) {
    const customer = customerPayload({ updatedAt: shop.clock.now(), ...person });
    await shop.deliver("orders/create", orderPayload({ customer, at: new Date(shop.clock.now().getTime() - HOUR) }));
  }
  const segment = await db.segment.findFirstOrThrow({ where: { shopId, key: "one-time-buyers" } });
  const customers = Object.fromEntries((await db.customer.findMany({ where: { shopId } })).map((c) => [c.firstName!, c]));
  return { shop, shopId, segment, customers };
}
