import type { Db } from "../db.server";
import type { CheckoutPayload } from "../shopify-payloads";
import { recordCheckoutConsent } from "./shopify-consent.server";
import { embeddedCustomer, rememberCoordinates, type WriterInput } from "./customers.server";
import { guardedUpsert, type GuardedModel } from "./guarded-upsert.server";
import { reconcileShopperWatches } from "./restock-watches.server";
import { normalisePhone } from "../contacts/phone";

/**
 * The token a checkout is keyed by when only its recovery URL is known (the bulk sync's
 * AbandonedCheckout has no token field). Shopify's recovery URL names the checkout in its
 * path: `.../checkouts/<token>/recover?key=...` in Shopify's checkouts/create sample
 * (test/fixtures/shopify/webhooks), `.../checkouts/ac/<cart token>/recover` in newer stores;
 * failing both, the checkout's id. A webhook for the same checkout finds the row by its token
 * or cart token (syncCheckout below), so the two meet in one row.
 */
export function syncedCheckoutToken(id: string, recoveryUrl: string | null | undefined): string {
  const path = recoveryUrl ? /\/checkouts\/(?:ac\/)?([^/?#]+)\/recover/.exec(recoveryUrl)?.[1] : undefined;
  return path ? decodeURIComponent(path) : `bulk:${id}`;
}

/**
 * A row the sync made for this checkout under another key (its cart token from the recovery
 * URL, or its id) takes the webhook's token, so the checkout stays one row.
 */
async function adoptSyncedRow(db: Db, shopId: string, payload: CheckoutPayload): Promise<void> {
  const taken = await db.checkout.findUnique({ where: { shopId_token: { shopId, token: payload.token } } });
  if (taken) return;
  const aliases = [payload.cart_token, payload.id ? `bulk:${payload.id}` : null].filter(
    (t): t is string => !!t && t !== payload.token,
  );
  if (!aliases.length) return;
  await db.checkout.updateMany({ where: { shopId, token: { in: aliases } }, data: { token: payload.token } });
}

/**
 * checkouts/create|update. A checkout is "abandoned" later, by time (the segment sweep);
 * it is completed by its completed_at or by an order carrying its token. Items that were
 * out of stock make the shopper a restock watcher for those variants.
 */
export async function syncCheckout({
  db,
  shopId,
  payload,
  from,
}: WriterInput<CheckoutPayload>): Promise<string | null> {
  const shopper = payload.customer?.id
    ? await embeddedCustomer({ db, shopId, customer: payload.customer, from })
    : null;
  const consented = await recordCheckoutConsent(db, {
    shopId,
    customerId: shopper,
    payload,
    // The box was ticked during the checkout: dated by its start, so a later STOP stays later.
    occurredAt: payload.created_at ?? payload.updated_at,
    origin: from,
  });
  // A guest who gave a number for texts is a contact the checkout belongs to.
  const customerId = shopper ?? consented;
  if (!from.syncRunId) await adoptSyncedRow(db, shopId, payload);
  const order = await db.order.findFirst({
    where: { shopId, checkoutToken: payload.token },
    select: { processedAt: true },
  });
  const fields = {
    ...(payload.id ? { shopifyId: payload.id } : {}), // an id the sync gave stays when a webhook has none
    customerId,
    email: payload.email ?? null,
    phone: checkoutPhone(payload),
    recoveryUrl: payload.abandoned_checkout_url ?? null,
    totalPrice: payload.total_price,
    currency: payload.currency,
    lineItems: payload.line_items.map((l) => ({
      productId: l.product_id ?? null,
      variantId: l.variant_id ?? null,
      title: l.title ?? null,
      quantity: l.quantity,
      price: l.price,
    })),
    completedAt: payload.completed_at ?? order?.processedAt ?? null,
  };
  const { applied } = await guardedUpsert({
    model: db.checkout as unknown as GuardedModel<unknown>,
    where: { shopId_token: { shopId, token: payload.token } },
    updatedAt: payload.updated_at,
    create: { shopId, token: payload.token, ...fields },
    update: fields,
  });
  // Its items sold out at the checkout's time make the shopper a restock watcher (restock-watches).
  if (applied && customerId) await reconcileShopperWatches({ db, shopId, customerId });
  if (applied && customerId) await rememberCoordinates(db, customerId, payload.shipping_address);
  return customerId;
}

/**
 * The checkout's number in E.164 when it parses (a national form by the address's country), as
 * Shopify sent it otherwise: customers/redact looks a shopper's numbers up in E.164, and finds
 * this row however the number was typed at checkout.
 */
function checkoutPhone(payload: CheckoutPayload): string | null {
  const country = payload.shipping_address?.country_code ?? payload.billing_address?.country_code;
  const phone = normalisePhone(payload.phone, country);
  return phone.ok ? phone.e164 : (payload.phone ?? null);
}
