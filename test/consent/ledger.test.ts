import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { DAY } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { recordDisclosureVersion } from "../../app/consent/disclosure.server";
import { appendConsentFacts, deriveCustomerConsents } from "../../app/consent/ledger.server";
import { prismaRunner } from "../../app/db/driver.server";
import { customerColumnWrites } from "../support/column-writes";
import { TestShop, uniqueShop } from "../support/app";
import { customerPayload, orderPayload } from "../support/fixtures";

type State = "subscribed" | "unsubscribed" | "pending" | "not_subscribed";

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Consent facts as Shopify sends them on customers/update, each with its own consent time. */
async function deliverInOrder(label: string, facts: { state: State; day: number }[]) {
  const shop = new TestShop(uniqueShop(label));
  const start = shop.clock.now().getTime();
  for (const f of facts) {
    const at = new Date(start + f.day * DAY);
    await shop.deliver(
      "customers/update",
      customerPayload({ id: 4242, phone: "+14155550188", smsState: f.state, consentAt: at, updatedAt: at }),
    );
  }
  const customer = await db.customer.findFirstOrThrow({ where: { shopifyId: "4242", shop: { domain: shop.domain } } });
  const ledger = await db.consentEvent.findMany({ where: { customerId: customer.id }, orderBy: { occurredAt: "asc" } });
  return { shop, customer, ledger };
}

const SEQUENCES: { name: string; facts: { state: State; day: number }[]; expected: string }[] = [
  {
    name: "opt in, opt out, opt in again",
    facts: [
      { state: "subscribed", day: 0 },
      { state: "unsubscribed", day: 1 },
      { state: "subscribed", day: 2 },
    ],
    expected: "SUBSCRIBED",
  },
  {
    name: "opt in, then out",
    facts: [
      { state: "subscribed", day: 0 },
      { state: "unsubscribed", day: 3 },
    ],
    expected: "UNSUBSCRIBED",
  },
  {
    name: "pending (double opt-in sent), then confirmed",
    facts: [
      { state: "pending", day: 0 },
      { state: "subscribed", day: 1 },
    ],
    expected: "SUBSCRIBED",
  },
  {
    name: "never asked, then opted in, then pending again",
    facts: [
      { state: "not_subscribed", day: 0 },
      { state: "subscribed", day: 1 },
      { state: "pending", day: 2 },
    ],
    expected: "PENDING",
  },
];

describe("the consent ledger from Shopify's sms_marketing_consent", () => {
  for (const seq of SEQUENCES) {
    it(`${seq.name}: the latest fact wins in every arrival order`, async () => {
      const orders = permutations(seq.facts);
      for (const [i, order] of orders.entries()) {
        const { customer, ledger } = await deliverInOrder(`ledger-${i}`, order);
        expect(customer.smsConsent, `arrival order ${order.map((f) => f.state).join(" → ")}`).toBe(seq.expected);
        expect(ledger.map((e) => e.state)).toEqual(seq.facts.map((f) => f.state.toUpperCase()));
        expect(ledger.every((e) => e.source === "SHOPIFY_SYNC" && e.phone === "+14155550188")).toBe(true);
      }
    });
  }

  it("consent given at checkout (the order's buyer_accepts_sms_marketing) is recorded once however often it is delivered", async () => {
    const shop = new TestShop(uniqueShop("ledger-checkout"));
    const disclosure = "Texts from Northbean, up to 4 msgs/month. Msg & data rates may apply. Reply STOP to opt out.";
    const { id: shopId } = await ensureShop(db, shop.domain);
    // Published before the checkout: the version in force at consent time is the wording shown.
    await recordDisclosureVersion({
      db,
      shopId,
      text: disclosure,
      publishedAt: new Date(shop.clock.now().getTime() - DAY),
    });
    await recordDisclosureVersion({
      db,
      shopId,
      text: `${disclosure} (new)`,
      publishedAt: new Date(shop.clock.now().getTime() + DAY),
    });
    const customer = customerPayload({ phone: "+14155550189", updatedAt: shop.clock.now() });
    const order = {
      ...orderPayload({ customer, at: shop.clock.now() }),
      buyer_accepts_sms_marketing: true,
      sms_marketing_phone: "+14155550189",
    };
    await shop.deliver("orders/create", order);
    await shop.deliver("orders/create", order);
    await shop.deliver("orders/updated", order);
    const row = await db.customer.findFirstOrThrow({
      where: { shopifyId: String(customer.id), shop: { domain: shop.domain } },
    });
    const ledger = await db.consentEvent.findMany({ where: { customerId: row.id } });
    expect(ledger).toEqual([
      expect.objectContaining({
        state: "SUBSCRIBED",
        source: "CHECKOUT",
        optInLevel: "single_opt_in",
        wording: disclosure,
        evidence: expect.objectContaining({
          disclosure: expect.objectContaining({
            versionId: expect.any(String),
            publishedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
            renderedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          }),
        }),
      }),
    ]);
    expect(row.smsConsent).toBe("SUBSCRIBED");
  });

  it("a batch's derivation writes smsConsent only where the state moved, the time alone where only it did", async () => {
    const { id: shopId } = await ensureShop(db, uniqueShop("ledger-derive-batch"));
    const now = new Date("2026-12-03T18:00:00.000Z");
    const customer = (n: number) =>
      db.customer.create({ data: { shopId, shopifyId: String(n), phone: `+1415555020${n}` } });
    const [again, optedOut, untouched] = await Promise.all([customer(1), customer(2), customer(3)]);
    const fact = (c: { id: string; phone: string | null }, state: "SUBSCRIBED" | "UNSUBSCRIBED", daysAgo: number) => ({
      shopId,
      customerId: c.id,
      phone: c.phone,
      state,
      source: "SHOPIFY_SYNC" as const,
      occurredAt: new Date(now.getTime() - daysAgo * DAY),
    });
    const derive = () =>
      deriveCustomerConsents(prismaRunner(db), { shopId, customerIds: [again.id, optedOut.id, untouched.id], now });
    await appendConsentFacts(prismaRunner(db), {
      shopId,
      facts: [fact(again, "SUBSCRIBED", 30), fact(optedOut, "SUBSCRIBED", 30), fact(untouched, "SUBSCRIBED", 30)],
    });
    await derive();
    // GIVEN a subscriber subscribing again (same state, newer time) and one opting out
    await appendConsentFacts(prismaRunner(db), {
      shopId,
      facts: [fact(again, "SUBSCRIBED", 1), fact(optedOut, "UNSUBSCRIBED", 1)],
    });

    // WHEN their consent is derived in one batch
    const written = await customerColumnWrites({ shopId, column: "smsConsent", run: derive });

    // THEN only the opt-out's row is written with smsConsent, and each row holds its newest fact
    expect(written).toEqual([optedOut.id]);
    const rows = await db.customer.findMany({
      where: { shopId },
      orderBy: { shopifyId: "asc" },
      select: { smsConsent: true, smsConsentAt: true },
    });
    expect(rows).toEqual([
      { smsConsent: "SUBSCRIBED", smsConsentAt: new Date(now.getTime() - 1 * DAY) },
      { smsConsent: "UNSUBSCRIBED", smsConsentAt: new Date(now.getTime() - 1 * DAY) },
      { smsConsent: "SUBSCRIBED", smsConsentAt: new Date(now.getTime() - 30 * DAY) },
    ]);
  });
});
