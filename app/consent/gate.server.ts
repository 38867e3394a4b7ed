import type { Db } from "../db.server";
import { activeSuppression } from "./suppression.server";

export type ConsentDecision = { decision: "pass" | "refuse"; detail: string };

export interface ConsentQuestion {
  shopId: string;
  /** The customer the text is for (null: a number we hold no customer for). */
  customerId: string | null;
  /** The number the text would go to now (E.164). */
  phone: string;
  /** The flow run that produced the text, if any: a back-in-stock run carries its variant. */
  flowRunId?: string | null;
}

/**
 * The consent part of the send gate (app/messaging/gates.server.ts), for marketing texts.
 * Consent is a fact about (shop, number):
 * 1. a suppressed number (STOP, carrier opt-out, merchant) gets nothing;
 * 2. otherwise the newest marketing fact for this number (and this customer) must be SUBSCRIBED:
 *    consent given for another number (a changed phone) does not count;
 * 3. failing that, a back-in-stock text may go on the restock consent given for that variant.
 * The detail is recorded on the message with the decision.
 */
export async function checkConsent(db: Db, q: ConsentQuestion): Promise<ConsentDecision> {
  const suppressed = await activeSuppression(db, q.shopId, q.phone);
  if (suppressed) return refuse(`number suppressed (${suppressed.reason}, ${suppressed.suppressedAt.toISOString()})`);

  const forNumber = { shopId: q.shopId, phone: q.phone, ...(q.customerId ? { customerId: q.customerId } : {}) };
  const latest = await db.consentEvent.findFirst({
    where: { ...forNumber, scope: "marketing" },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }, { id: "desc" }],
    select: { state: true, source: true, occurredAt: true },
  });
  if (latest?.state === "SUBSCRIBED")
    return pass(`subscribed on this number (${latest.source.toLowerCase()}, ${latest.occurredAt.toISOString()})`);

  const restock = await restockConsent(db, q, forNumber);
  if (restock) return pass(restock);
  if (latest) return refuse(`SMS consent for this number is ${latest.state.toLowerCase()}`);
  const elsewhere = q.customerId
    ? await db.consentEvent.count({
        where: { shopId: q.shopId, customerId: q.customerId, scope: "marketing", state: "SUBSCRIBED" },
      })
    : 0;
  return refuse(
    elsewhere ? "no consent for this number (consent was given for another number)" : "no consent for this number",
  );
}

async function restockConsent(
  db: Db,
  q: ConsentQuestion,
  forNumber: { shopId: string; phone: string; customerId?: string },
): Promise<string | null> {
  if (!q.flowRunId) return null;
  const run = await db.flowRun.findUnique({ where: { id: q.flowRunId }, select: { context: true } });
  const variant = (run?.context as { variantShopifyId?: string } | null)?.variantShopifyId;
  if (!variant) return null;
  const facts = await db.consentEvent.findMany({
    where: { ...forNumber, scope: "restock" },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }],
    select: { state: true, evidence: true },
    take: 50,
  });
  const fact = facts.find((f) => (f.evidence as { variantId?: string } | null)?.variantId === variant);
  return fact?.state === "SUBSCRIBED" ? `restock alert consent for variant ${variant}` : null;
}

const pass = (detail: string): ConsentDecision => ({ decision: "pass", detail });
const refuse = (detail: string): ConsentDecision => ({ decision: "refuse", detail });
