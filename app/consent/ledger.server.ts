import type { Db } from "../db.server";
import type { ConsentSource, SmsConsentState } from "../generated/sqlite/client";

export interface ConsentFact {
  shopId: string;
  customerId: string | null;
  phone: string | null;
  state: SmsConsentState;
  optInLevel?: string | null;
  source: ConsentSource;
  wording?: string | null;
  occurredAt: Date;
  evidence?: Record<string, unknown>;
}

/** Shopify's sms_marketing_consent.state → the ledger's state. */
export function consentStateFromShopify(state: string): SmsConsentState {
  switch (state.toLowerCase()) {
    case "subscribed":
      return "SUBSCRIBED";
    case "unsubscribed":
      return "UNSUBSCRIBED";
    case "pending":
      return "PENDING";
    case "redacted":
      return "REDACTED";
    default:
      return "NOT_SUBSCRIBED"; // not_subscribed, invalid
  }
}

/**
 * Appends a consent fact to the ledger (a repeat of the same fact is ignored) and
 * re-derives the customer's current consent: the fact with the latest `occurredAt` wins,
 * so facts arriving out of order give the same result as in order.
 * Returns true when the customer's derived consent changed.
 */
export async function recordConsent(db: Db, fact: ConsentFact): Promise<boolean> {
  const duplicate = await db.consentEvent.findFirst({
    where: {
      shopId: fact.shopId,
      customerId: fact.customerId,
      phone: fact.phone,
      state: fact.state,
      occurredAt: fact.occurredAt,
    },
    select: { id: true },
  });
  if (!duplicate) {
    await db.consentEvent.create({
      data: {
        shopId: fact.shopId,
        customerId: fact.customerId,
        phone: fact.phone,
        state: fact.state,
        optInLevel: fact.optInLevel ?? null,
        source: fact.source,
        wording: fact.wording ?? null,
        occurredAt: fact.occurredAt,
        evidence: (fact.evidence ?? undefined) as object | undefined,
      },
    });
  }
  return fact.customerId ? deriveCustomerConsent(db, fact.shopId, fact.customerId) : false;
}

export async function deriveCustomerConsent(db: Db, shopId: string, customerId: string): Promise<boolean> {
  const latest = await db.consentEvent.findFirst({
    where: { shopId, customerId },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }, { id: "desc" }],
  });
  const customer = await db.customer.findUniqueOrThrow({
    where: { id: customerId },
    select: { smsConsent: true, smsConsentAt: true },
  });
  const state = latest?.state ?? "NOT_SUBSCRIBED";
  const at = latest?.occurredAt ?? null;
  if (customer.smsConsent === state && customer.smsConsentAt?.getTime() === at?.getTime()) return false;
  await db.customer.update({ where: { id: customerId }, data: { smsConsent: state, smsConsentAt: at } });
  return customer.smsConsent !== state;
}
