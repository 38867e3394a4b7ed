import type { Db } from "../db.server";
import { OrderPayload } from "../shopify-payloads";
import type { Topic } from "../shopify-topics";
import { customerNumber, rememberAllCoordinates } from "../commerce/customers.server";
import { checkoutConsentPhone, recordCheckoutConsents } from "../commerce/shopify-consent.server";
import { writeCustomerBatch } from "../sync/write-customers.server";
import { needsWebhookWriter, writeOrderBatch } from "../sync/write-orders.server";
import type { WriteContext, Written } from "./process.server";

/** An orders/* row of a batch whose order the sync's batch writers can take, with its payload. */
export type RunOrder = { ctx: WriteContext; payload: OrderPayload };

/**
 * The payload of an orders/* row the batch writes set based (`writeOrderRun`), or null for
 * any other row (its topic's own writer). Throws ZodError for an order that fails its schema,
 * as its writer would.
 */
export function runOrder(topic: Topic, body: unknown): OrderPayload | null {
  if (!topic.startsWith("orders/")) return null;
  const payload = OrderPayload.parse(body);
  return needsWebhookWriter(batchShape(payload)) ? null : payload;
}

/**
 * The order as the batch writers take it: its customer as a reference only (the customer is
 * written beside it), its addresses without their geocode and without its checkout consent,
 * which the run applies itself (most real orders carry a geocode, and many the SMS box:
 * they would otherwise all go one at a time).
 */
const batchShape = (p: OrderPayload): OrderPayload => ({
  ...p,
  buyer_accepts_sms_marketing: undefined,
  sms_marketing_phone: undefined,
  customer: p.customer ? { id: p.customer.id } : null,
  shipping_address: withoutGeocode(p.shipping_address),
  billing_address: withoutGeocode(p.billing_address),
});
const withoutGeocode = (a: OrderPayload["shipping_address"]) => a && { ...a, latitude: null, longitude: null };

/**
 * Consecutive orders of one shop's batch, written with the day-one sync's batch writers
 * (sync/write-customers, sync/write-orders) instead of syncOrder each: their customers in one
 * batch (newest wins in the UPDATE's WHERE, the consent facts in one insert, consent derived
 * in one statement), then the orders (new ones in one insert, their lines in one more, the
 * order figures of every customer in one UPDATE), then the orders as they now stand in one
 * read. The same rows as syncOrder one at a time: each payload's customer and consent fact
 * (dated and sourced by its own row), the order newest wins by updated_at. A customer or an
 * order twice in the run is written in a second round (the batch writers take one row each).
 * Returns what each row wrote, in the run's order.
 */
export async function writeOrderRun({
  db,
  shopId,
  run,
  followUp,
}: {
  db: Db;
  shopId: string;
  run: RunOrder[];
  /**
   * A round's consent follow-up (webhooks/process consentFollowUp), run before the next round
   * is written, as one at a time follows each row up before the next: a contact a later round
   * merges into a customer got its confirmation text first, and the text moves with it.
   */
  followUp: (contexts: WriteContext[]) => Promise<void>;
}): Promise<{ ctx: WriteContext; written: Written }[]> {
  const written = new Map<RunOrder, Written>();
  for (const round of rounds(run)) {
    const withCustomer = round.filter((r) => r.payload.customer);
    const customerOf = await writeCustomerBatch({
      db,
      shopId,
      payloads: withCustomer.map((r) => r.payload.customer!),
      from: round[0]!.ctx.from,
      fromEach: withCustomer.map((r) => r.ctx.from),
    });
    const consented = await recordRunConsents({ db, shopId, round, customerOf });
    const watchersChanged = await writeOrderBatch({
      db,
      shopId,
      payloads: round.map((r) => {
        const guest = consented.guestRefs.get(r);
        return guest ? { ...batchShape(r.payload), customer: { id: guest.shopifyId } } : batchShape(r.payload);
      }),
      from: { ...round[0]!.ctx.from, customerIsReference: true },
    });
    const stands = new Map(
      (
        await db.order.findMany({
          where: { shopId, shopifyId: { in: round.map((r) => r.payload.id) } },
          select: {
            id: true,
            shopifyId: true,
            totalPrice: true,
            processedAt: true,
            cancelledAt: true,
            shopifyUpdatedAt: true,
          },
        })
      ).map(({ shopifyId, shopifyUpdatedAt, ...order }) => [shopifyId, { order, shopifyUpdatedAt }]),
    );
    const placed: { customerId: string; address: OrderPayload["shipping_address"] }[] = [];
    for (const r of round) {
      const customerId = r.payload.customer
        ? customerOf.get(r.payload.customer.id)!
        : (consented.guestRefs.get(r)?.id ?? null);
      const { order, shopifyUpdatedAt } = stands.get(r.payload.id)!;
      // The geocode of an order that stands as this row left it, in the run's order, as syncOrder
      // does for an order it applied (a tie applies: newest wins with `<=`).
      const applied = shopifyUpdatedAt?.getTime() === (r.payload.updated_at ?? r.payload.created_at).getTime();
      if (customerId && applied)
        placed.push({ customerId, address: r.payload.shipping_address ?? r.payload.billing_address });
      // Shoppers whose watches the completion of this row's checkout changed: their segments too.
      const watchers = watchersChanged.filter((w) => w.token === r.payload.checkout_token).map((w) => w.customerId);
      written.set(r, {
        customerIds: [...new Set([...(customerId ? [customerId] : []), ...watchers])],
        order: {
          ...order,
          customerId,
          discountCodes: r.payload.discount_codes.map((d) => d.code),
        },
      });
    }
    await rememberAllCoordinates(db, placed);
    await followUp(round.map((r) => r.ctx));
  }
  return run.map((r) => ({ ctx: r.ctx, written: written.get(r)! }));
}

/**
 * The round's checkout consent (the SMS box: top-level buyer_accepts_sms_marketing and
 * sms_marketing_phone), recorded for the whole round at once as syncOrder records it one by
 * one (recordCheckoutConsents: source CHECKOUT, dated by the order's created_at, the disclosure
 * in force, noted on the row's own provenance, in the run's order, for its follow-up), after the
 * round's customers and before its orders, as syncOrder does. An order without a customer goes
 * to the contact its consent found or made by the number: returned by row, with the id the
 * order batch looks it up by.
 */
async function recordRunConsents({
  db,
  shopId,
  round,
  customerOf,
}: {
  db: Db;
  shopId: string;
  round: RunOrder[];
  customerOf: Map<string, string>;
}): Promise<{ guestRefs: Map<RunOrder, { id: string; shopifyId: string }> }> {
  const ticked = round.filter((r) => r.payload.buyer_accepts_sms_marketing === true);
  const recordedFor = await recordCheckoutConsents(db, {
    shopId,
    consents: ticked.map((r) => ({
      customerId: r.payload.customer ? customerOf.get(r.payload.customer.id)! : null,
      payload: r.payload,
      occurredAt: r.payload.created_at,
      origin: r.ctx.from,
    })),
  });
  const guestRefs = new Map<RunOrder, { id: string; shopifyId: string }>();
  ticked.forEach((r, i) => {
    const recorded = recordedFor[i];
    if (!r.payload.customer && recorded?.guestShopifyId)
      guestRefs.set(r, { id: recorded.customerId, shopifyId: recorded.guestShopifyId });
  });
  return { guestRefs };
}

/**
 * The run split so that no round holds a customer, an order or a number twice: the n-th
 * sighting goes to round n. A number (the customer's on file, the ticked box's) because a
 * round writes all its customers before any consent: a guest who ticks the box before a
 * customer new to the app with that number orders must make a contact, as one at a time
 * does (which the customer then takes over), not find a customer not there yet.
 */
function rounds(run: RunOrder[]): RunOrder[][] {
  const seen = new Map<string, number>();
  const out: RunOrder[][] = [];
  for (const r of run) {
    const keys = [
      `o:${r.payload.id}`,
      ...(r.payload.customer ? [`c:${r.payload.customer.id}`] : []),
      ...numbersOf(r.payload).map((n) => `n:${n}`),
    ];
    const n = Math.max(...keys.map((k) => seen.get(k) ?? 0));
    for (const k of keys) seen.set(k, n + 1);
    (out[n] ??= []).push(r);
  }
  return out;
}

/** The numbers an order brings: its customer's on file and the one its SMS box was ticked with. */
function numbersOf(payload: OrderPayload): string[] {
  const phones = [payload.customer && customerNumber(payload.customer), checkoutConsentPhone(payload)];
  return phones.flatMap((p) => (p?.ok ? [p.e164] : []));
}
