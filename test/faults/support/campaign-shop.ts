import db from "../../../app/db.server";
import { ensureShop } from "../../../app/commerce/shops.server";
import { createCampaign, launchCampaign } from "../../../app/campaigns/campaigns.server";
import type { AppServices } from "../../../app/services";
import { TwilioCredentials } from "../../../app/sms/twilio.server";
import { testProviders, uniqueShop } from "../../support/app";

export const accountSid = `AC${"fa".repeat(16)}`;
export const authToken = "f".repeat(32);

const FIRST = ["Priya", "Kenji", "Aisha", "Tariq", "Lucía", "Okonkwo", "Sunniva", "Ximena"];
const LAST = ["Haddad", "Kowalski", "Okafor", "Murphy", "Lindqvist", "Nakamura"];

/**
 * A Twilio-backed shop with `n` subscribed shoppers in its "sms-subscribers" segment, ready
 * for a campaign. Shoppers are bulk-inserted (as the dispatch benchmark does): the fault
 * tests exercise sending, and 5,000 customers/create webhooks would only add minutes.
 * Sends are never held: quiet hours off, no frequency cap, no pacing ceiling.
 */
export async function seedCampaignShop(label: string, n: number, twilioUrl: string) {
  const domain = uniqueShop(label);
  const { id: shopId } = await ensureShop(db, domain);
  await testProviders.useTwilio(
    shopId,
    TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilioUrl }),
  );
  await db.shopSettings.update({
    where: { shopId },
    data: {
      messagesPerSecond: 100_000,
      quietHoursStartMinute: 1440,
      quietHoursEndMinute: 0,
      frequencyCapCount: 1_000_000,
    },
  });
  await db.customer.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      shopId,
      shopifyId: String(900_000 + i),
      phone: `+447400${String(i).padStart(6, "0")}`,
      countryCode: "GB",
      timeZone: "Europe/London",
      smsConsent: "SUBSCRIBED" as const,
      firstName: FIRST[i % FIRST.length],
      lastName: LAST[i % LAST.length],
      email: `shopper${i}@example.com`,
    })),
  });
  const segment = await db.segment.findFirstOrThrow({ where: { shopId, key: "sms-subscribers" } });
  const customers = await db.customer.findMany({ where: { shopId }, select: { id: true, phone: true } });
  // Consent is a fact about a number: each shopper's subscription is in the ledger, as an
  // import would record it (the send gate checks the ledger for the number it texts).
  await db.consentEvent.createMany({
    data: customers.map((c) => ({
      shopId,
      customerId: c.id,
      phone: c.phone,
      state: "SUBSCRIBED" as const,
      source: "IMPORT" as const,
      scope: "marketing",
      optInLevel: "single_opt_in",
      occurredAt: new Date(Date.now() - 86_400_000),
    })),
  });
  await db.segmentMembership.createMany({
    data: customers.map((c) => ({ segmentId: segment.id, customerId: c.id, shopId, enteredAt: new Date() })),
  });
  return { domain, shopId, segmentId: segment.id };
}

/** A campaign to the segment, launched now (its fan-out and sends run as jobs). */
export async function launchTestCampaign(deps: AppServices, shopId: string, segmentId: string) {
  const campaign = await createCampaign(deps.db, shopId, {
    name: "Fault drill",
    segmentId,
    body: "Hi {{ first_name }}, the winter roast is back",
  });
  await launchCampaign(deps, shopId, campaign.id);
  return campaign.id;
}

/** Provider-side requests per recipient: how many times each number was actually sent to. */
export function sendsPerRecipient(received: { params: Record<string, string> }[]) {
  const counts = new Map<string, number>();
  for (const r of received) counts.set(r.params.To!, (counts.get(r.params.To!) ?? 0) + 1);
  return counts;
}
