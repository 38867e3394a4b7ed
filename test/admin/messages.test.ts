import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { maskPhone } from "../../app/contacts/mask-phone";
import { loader as messagesLoader } from "../../app/routes/app.messages._index";
import { loader as shopperLoader } from "../../app/routes/app.shoppers.$id";
import { AdminClient } from "../support/admin-pages";
import { shopAfterCampaign } from "../support/campaign-shop";
import { uniqueShop } from "../support/app";

const rows = async (client: AdminClient, query: string) =>
  (await client.load(messagesLoader, `/app/messages${query}`)).messages;

describe("the message log", () => {
  it("says in words what the gates decided: held for quiet hours until a local time, blocked for consent, sent", async () => {
    const { client, customers } = await shopAfterCampaign("ml-gates");
    const [siti] = await rows(client, "?q=Siti");
    expect(siti).toMatchObject({
      status: "HELD",
      // Her zone comes from her +60 12 number (libphonenumber's data: Asia/Kuching, UTC+8 like Kuala Lumpur).
      gate: "held: quiet hours until 09:00 Asia/Kuching",
      phone: maskPhone(customers.Siti!.phone),
      source: "Campaign: Weekend sale",
    });
    const [finn] = await rows(client, "?q=finn");
    expect(finn).toMatchObject({
      status: "SUPPRESSED",
      gate: "blocked: no consent (SMS consent for this number is not_subscribed)",
    });
    const omar = await rows(client, "?q=Omar");
    expect(omar).toEqual([
      expect.objectContaining({
        status: "DELIVERED",
        gate: "sent: all gates passed",
        provider: expect.stringMatching(/^outbox /),
        providerStatus: "delivered",
      }),
    ]);
    expect(omar[0]!.phone).not.toContain(customers.Omar!.phone!.slice(5, 8));
  });

  it("filters by status, direction, campaign and date range, and finds a shopper by any spelling of their number or by name", async () => {
    const { client, campaign, customers } = await shopAfterCampaign("ml-filters");
    expect((await rows(client, "")).length).toBe(6); // 4 campaign texts, Finn's, Ava's reply
    expect((await rows(client, "?status=DELIVERED")).map((m) => m.customer?.name).sort()).toEqual([
      "Ava Lindqvist",
      "Mei Tanaka",
      "Omar Haddad",
    ]);
    expect(await rows(client, "?direction=INBOUND")).toEqual([
      expect.objectContaining({ body: "Love it, thanks!", gate: "reply received", source: "Reply" }),
    ]);
    expect((await rows(client, `?source=campaign:${campaign.id}`)).length).toBe(4);
    const today = new Date().toISOString().slice(0, 10);
    expect((await rows(client, `?from=${today}&to=${today}`)).length).toBe(6);
    expect(await rows(client, "?from=2020-01-01&to=2020-01-31")).toEqual([]);
    expect(await rows(client, "?status=NONSENSE")).toHaveLength(6); // an unknown filter value is ignored, not an error

    const national = customers.Ava!.phone!.replace(/^\+1(\d{3})(\d{3})(\d{4})$/, "($1) $2-$3");
    const byPhone = await rows(client, `?q=${encodeURIComponent(national)}`);
    expect(byPhone.map((m) => m.direction).sort()).toEqual(["INBOUND", "OUTBOUND"]);
    expect(byPhone.every((m) => m.customer?.id === customers.Ava!.id)).toBe(true);
    expect(await rows(client, `?q=${encodeURIComponent(customers.Ava!.phone!.slice(0, -1))}`)).toEqual([]); // exact number only
    expect((await rows(client, "?q=ava%20LINDQVIST")).map((m) => m.customer?.id)).toEqual([
      customers.Ava!.id,
      customers.Ava!.id,
    ]);
  });

  it("pages with a keyset cursor: no row twice, none missed", async () => {
    const client = new AdminClient(uniqueShop("ml-pages"));
    await client.load(messagesLoader, "/app/messages"); // creates the shop
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: client.shop } });
    await db.message.createMany({
      data: Array.from({ length: 55 }, (_, i) => ({
        shopId: shop.id,
        direction: "INBOUND" as const,
        body: `reply ${i}`,
        status: "RECEIVED" as const,
        phone: "+14155550000",
        createdAt: new Date(Date.UTC(2026, 5, 1, 0, i)),
      })),
    });
    const first = await client.load(messagesLoader, "/app/messages");
    expect(first.messages).toHaveLength(50);
    expect(first.messages[0]!.body).toBe("reply 54");
    const second = await client.load(messagesLoader, `/app/messages?after=${first.nextCursor}`);
    expect(second.messages.map((m) => m.body)).toEqual(["reply 4", "reply 3", "reply 2", "reply 1", "reply 0"]);
    expect(second.nextCursor).toBeNull();
  });

  it("the shopper timeline puts texts out and in, delivery, clicks, consent, segments and orders in one list", async () => {
    const { client, customers, avaText } = await shopAfterCampaign("ml-timeline");
    const ava = customers.Ava!;
    const page = await client.load(shopperLoader, `/app/shoppers/${ava.id}`, { id: ava.id });
    expect(page.shopper).toMatchObject({ name: "Ava Lindqvist", consent: "SUBSCRIBED", phone: maskPhone(ava.phone) });
    expect(page.shopper.phone).not.toBe(ava.phone);
    const kinds = new Set(page.entries.map((e) => e.kind));
    expect([...kinds].sort()).toEqual([
      "click",
      "consent",
      "delivery",
      "message_in",
      "message_out",
      "order",
      "segment",
    ]);
    expect(page.entries).toContainEqual(
      expect.objectContaining({ kind: "message_in", title: 'Replied: "Love it, thanks!"' }),
    );
    expect(page.entries).toContainEqual(
      expect.objectContaining({
        kind: "message_out",
        title: "Text (campaign Weekend sale): delivered",
        detail: expect.stringContaining(avaText.body),
      }),
    );
    expect(page.entries).toContainEqual(
      expect.objectContaining({ kind: "click", detail: "https://shop.example/sale" }),
    );
    expect(page.entries).toContainEqual(
      expect.objectContaining({ kind: "segment", title: "Entered segment One-time buyers" }),
    );
    const times = page.entries.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
  });

  it("shop B sees none of shop A's messages or shoppers, even searching their number", async () => {
    const { customers } = await shopAfterCampaign("ml-owner");
    const other = new AdminClient(uniqueShop("ml-intruder"));
    expect(await rows(other, "")).toEqual([]);
    expect(await rows(other, `?q=${encodeURIComponent(customers.Ava!.phone!)}`)).toEqual([]);
    expect(
      await other.statusOf(other.load(shopperLoader, `/app/shoppers/${customers.Ava!.id}`, { id: customers.Ava!.id })),
    ).toBe(404);
  });
});
