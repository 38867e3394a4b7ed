import { HOUR } from "../clock";
import { findOrCreateContact } from "../contacts/local-contacts.server";
import type { AppServices } from "../services";
import { scheduleMessage } from "../schedule/messages.server";
import { shopSenderName } from "../shop-name";
import { afterConsentChange } from "./after-change.server";
import { recordConsent } from "./ledger.server";
import { confirmRequestText } from "./program-texts";
import { activeSuppression } from "./suppression.server";

/** How long a sign-up waits for its "Y" (the app's choice; carriers set no period). */
export const CONFIRM_WINDOW_HOURS = 24;

export interface OptInRequest {
  shopId: string;
  /** E.164. */
  phone: string;
  country: string | null;
  /** A logged-in shopper's customer row, if known. */
  customerId: string | null;
  source: "STOREFRONT_FORM" | "INBOUND_KEYWORD";
  /**
   * The wording the shopper agreed to, from the server (the published disclosure), never from
   * the post. A keyword sign-up has none: the "Reply Y" text it answers is the wording.
   */
  wording?: string;
  at: Date;
  evidence: Record<string, unknown>;
}

export type OptInRequestResult = "requested" | "pending" | "subscribed" | "not_texted";

/**
 * Marketing consent from the storefront or a keyword is a request, not a subscription
 * (CTIA Messaging Principles and Best Practices §5.1.2.1, confirm opt-in for recurring
 * messages): it is kept, and the number gets "Reply Y to confirm …"; only a Y from that
 * number within the window subscribes it (confirmOptIn). A request never lifts a suppression.
 * - an open request for the number: no second text (a looping form cannot flood a phone);
 * - already subscribed: nothing to confirm;
 * - a suppressed number is not texted from a storefront post (someone else may have typed it;
 *   after STOP only the number itself may restart the conversation): the request is kept, so a
 *   keyword or a Y from the number itself can still confirm it.
 */
export async function requestConfirmedOptIn(deps: AppServices, r: OptInRequest): Promise<OptInRequestResult> {
  const { db } = deps;
  const open = await openRequest({ db, shopId: r.shopId, phone: r.phone, at: r.at });
  if (open) return "pending";
  const latest = await db.consentEvent.findFirst({
    where: { shopId: r.shopId, phone: r.phone, scope: "marketing" },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }, { id: "desc" }],
    select: { state: true },
  });
  const suppressed = await activeSuppression(db, r.shopId, r.phone);
  if (latest?.state === "SUBSCRIBED" && !suppressed) return "subscribed";
  const shop = await db.shop.findUniqueOrThrow({ where: { id: r.shopId }, include: { settings: true } });
  const body = confirmRequestText(
    {
      brand: shopSenderName(shop),
      frequencyCapCount: shop.settings?.frequencyCapCount ?? 1,
      frequencyCapHours: shop.settings?.frequencyCapHours ?? 24,
    },
    CONFIRM_WINDOW_HOURS,
  );
  const request = await db.consentRequest.create({
    data: {
      shopId: r.shopId,
      customerId: r.customerId,
      phone: r.phone,
      source: r.source,
      wording: r.wording ?? body,
      requestedAt: r.at,
      expiresAt: new Date(r.at.getTime() + CONFIRM_WINDOW_HOURS * HOUR),
      evidence: { ...r.evidence, country: r.country } as object,
    },
    select: { id: true },
  });
  if (suppressed && r.source === "STOREFRONT_FORM") return "not_texted";
  await scheduleMessage(deps, {
    shopId: r.shopId,
    customerId: null, // to the number given, whoever's record it is on
    phone: r.phone,
    body,
    purpose: "transactional",
    idempotencyKey: `confirm-request:${request.id}`,
    dueAt: deps.clock.now(),
  });
  return "requested";
}

/**
 * A "Y" from a number: confirms its open request, if any. The ledger gets a marketing fact
 * (confirmed_opt_in, the request's source and wording, the request and the reply as evidence)
 * and afterConsentChange lifts a suppression (this is the "later confirmed opt-in"), writes
 * the consent back to Shopify and sends the confirmation text. Exactly once per request: the
 * request is claimed by a conditional update. Returns false when there was nothing to confirm.
 */
export async function confirmOptIn(
  deps: AppServices,
  y: { shopId: string; phone: string; at: Date; inboundMessageId: string },
): Promise<boolean> {
  const { db } = deps;
  const request = await openRequest({ db, shopId: y.shopId, phone: y.phone, at: y.at });
  if (!request) return false;
  const { count } = await db.consentRequest.updateMany({
    where: { id: request.id, confirmedAt: null },
    data: { confirmedAt: y.at },
  });
  if (count === 0) return false; // another Y claimed it
  const evidence = (request.evidence ?? {}) as { country?: string | null };
  const known = request.customerId
    ? await db.customer.findFirst({
        where: { id: request.customerId, deletedAt: null, redactedAt: null },
        select: { id: true },
      })
    : null;
  const customer =
    known ??
    (await findOrCreateContact({ db, shopId: y.shopId, phone: { e164: y.phone, country: evidence.country ?? null } }));
  // A known shopper without a number on file gets the one they just confirmed.
  await db.customer.updateMany({ where: { id: customer.id, phone: null }, data: { phone: y.phone } });
  await recordConsent(db, {
    shopId: y.shopId,
    customerId: customer.id,
    phone: y.phone,
    state: "SUBSCRIBED",
    optInLevel: "confirmed_opt_in",
    source: request.source,
    wording: request.wording,
    occurredAt: y.at,
    evidence: {
      field: "reply Y",
      requestId: request.id,
      requestedAt: request.requestedAt.toISOString(),
      inboundMessageId: y.inboundMessageId,
      request: request.evidence,
    },
  });
  await afterConsentChange(deps, {
    shopId: y.shopId,
    phone: y.phone,
    customerIds: [customer.id],
    change: "opt_in",
    lift: "confirmed_opt_in",
    writeBack: true,
    origin: "live",
    at: y.at,
    ref: y.inboundMessageId,
  });
  return true;
}

function openRequest({ db, shopId, phone, at }: { db: AppServices["db"]; shopId: string; phone: string; at: Date }) {
  return db.consentRequest.findFirst({
    where: { shopId, phone, confirmedAt: null, requestedAt: { lte: at }, expiresAt: { gt: at } },
    orderBy: { requestedAt: "desc" },
  });
}
