import type { Db } from "../db.server";
import { Prisma } from "../generated/sqlite/client"; // SQL fragments: both generated clients share this runtime
import { asDate, inList } from "../db/insert-rows.server";
import { sqlOn } from "../db/driver.server";
import { QUEUES } from "../jobs/queue.server";
import { cancelPendingMessages, type Cancellation } from "../schedule/cancel.server";
import type { AppServices } from "../services";
import { scheduleMessage } from "../schedule/messages.server";
import { shopSenderName } from "../shop-name";
import { refreshCustomerSegments } from "../segments/membership.server";
import type { ConsentScope } from "./ledger.server";
import { subscribedText } from "./program-texts";
import {
  activeSuppression,
  liftSuppression,
  suppressNumber,
  type LiftedBy,
  type SuppressionReason,
} from "./suppression.server";

export interface ConsentChange {
  shopId: string;
  /** The number the change is about (null: a customer without a number). */
  phone: string | null;
  /** The customers the change touched (none for a number we hold no customer for). */
  customerIds: string[];
  change: "opt_out" | "opt_in";
  /** "marketing" (default) or "restock" (one back-in-stock alert: only segments follow). */
  scope?: ConsentScope;
  /** opt_out: put the number on the suppression list for this reason. */
  suppress?: SuppressionReason;
  /** opt_in: the only two things that lift a suppression. */
  lift?: LiftedBy;
  /** Tell Shopify (customerSmsMarketingConsentUpdate): only for consent that changed in the app. */
  writeBack: boolean;
  /**
   * "live": consent given now (checkout, Shopify's consent topic, a confirmed Y, START): a new
   * subscription is confirmed by text. "history": the day-one sync or an import: old facts,
   * no text.
   */
  origin: "live" | "history";
  /** The day-one sync computes every segment once at its end: no per-customer refresh here. */
  deferSegments?: boolean;
  /** The time of the fact just recorded (the ledger's occurredAt). */
  at: Date;
  /** When segments are re-evaluated (now), when that is not `at` (an import of old consent). */
  evaluatedAt?: Date;
  /** What caused it (inbound message id, message id, import, form), for dedupe keys and history. */
  ref: string;
}

/** What the follow-ups need: the database always; the queue and sender for write-back and texts. */
export type AfterChangeDeps = { db: Db } & Partial<AppServices>;

/**
 * The one place that decides what follows a consent change, so every path (STOP / START,
 * carrier opt-out, confirmed opt-in, checkout, Shopify's consent topic, customers webhooks,
 * import, sync, restock sign-up) does the same: suppression list, pending texts cancelled on
 * an opt-out, write-back to Shopify, the confirmation text of a new subscription, segments.
 */
export const afterConsentChange = (deps: AfterChangeDeps, c: ConsentChange): Promise<void> =>
  afterConsentChanges(deps, [c]);

/**
 * What follows many changes, in their order (a webhook batch's or a sync batch's): the pending
 * texts of every opted-out customer are cancelled in one statement per shop, the other
 * follow-ups run change by change. Cancellations are gathered only until a change with another
 * follow-up, and run before it: a confirmation text scheduled for a later opt-in stays, one
 * scheduled before a later opt-out goes, as one change at a time would leave them.
 */
export async function afterConsentChanges(deps: AfterChangeDeps, changes: readonly ConsentChange[]): Promise<void> {
  // The follow-ups write no ledger fact: every subscription's start is read once, up front.
  const starts = await subscriptionStarts(deps.db, changes.filter(confirms));
  let pending: { shopId: string; cancellation: Cancellation }[] = [];
  const cancelPending = async () => {
    const byShop = new Map<string, Cancellation[]>();
    for (const p of pending) byShop.set(p.shopId, [...(byShop.get(p.shopId) ?? []), p.cancellation]);
    pending = [];
    for (const [shopId, cancellations] of byShop) await cancelPendingMessages({ db: deps.db, shopId, cancellations });
  };
  for (const c of changes) {
    if (isMarketing(c) && c.change === "opt_out")
      for (const customerId of c.customerIds)
        pending.push({
          shopId: c.shopId,
          cancellation: { customerId, reason: `opted out (${c.ref})`, optedOutAt: c.at },
        });
    const steps = otherFollowUps(deps, c, starts);
    if (!steps.length) continue;
    await cancelPending();
    for (const step of steps) await step();
  }
  await cancelPending();
}

const isMarketing = (c: ConsentChange) => (c.scope ?? "marketing") === "marketing";

/** A change's follow-ups other than cancelling texts, in the order they run. */
function otherFollowUps(
  deps: AfterChangeDeps,
  c: ConsentChange,
  starts: SubscriptionStarts,
): (() => Promise<unknown>)[] {
  const { db } = deps;
  const marketing = isMarketing(c);
  const phone = c.phone;
  const steps: (() => Promise<unknown>)[] = [];
  if (marketing && phone && c.change === "opt_out" && c.suppress) {
    const reason = c.suppress;
    steps.push(() => suppressNumber(db, { shopId: c.shopId, phone, reason, at: c.at, evidence: { ref: c.ref } }));
  }
  if (marketing && phone && c.change === "opt_in" && c.lift) {
    const by = c.lift;
    steps.push(() => liftSuppression(db, { shopId: c.shopId, phone, by, at: c.at }));
  }
  for (const customerId of c.customerIds) {
    if (marketing && c.writeBack)
      steps.push(async () => {
        if (!deps.queue) throw new Error("consent write-back needs the job queue");
        await deps.queue.enqueue(
          QUEUES.writeConsentBack,
          { customerId },
          { dedupeKey: `consent:${customerId}:${c.ref}` },
        );
      });
    if (!c.deferSegments)
      steps.push(() =>
        refreshCustomerSegments({
          db,
          shopId: c.shopId,
          customerId,
          now: c.evaluatedAt ?? c.at,
          cause: { cause: "consent", ref: c.ref },
        }),
      );
  }
  // Only the fact that started the subscription is confirmed (see confirmSubscription): any other
  // opt-in has no step here, so it does not split the cancellations gathered around it.
  const start = phone && confirms(c) ? starts(c.shopId, phone) : null;
  if (phone && start?.occurredAt.getTime() === c.at.getTime())
    steps.push(() => confirmSubscription(deps, { ...c, phone }, start));
  return steps;
}

/** A live marketing opt-in for a number: a new subscription is confirmed by text. */
const confirms = (c: ConsentChange) => isMarketing(c) && !!c.phone && c.change === "opt_in" && c.origin === "live";

/**
 * One confirmation text per subscription of a number: keyed by the ledger fact that started
 * it (the first SUBSCRIBED fact after the number's last other state), so a re-delivered
 * webhook, Shopify echoing our write-back, or a second checkout with the box ticked sends
 * nothing more; a subscription that started with an old fact (sync, import) gets none.
 * A suppressed number gets none (a subscription that does not lift it sends nothing).
 */
async function confirmSubscription(
  deps: AfterChangeDeps,
  c: ConsentChange & { phone: string },
  start: SubscriptionStart,
): Promise<void> {
  const { db } = deps;
  if (await activeSuppression(db, c.shopId, c.phone)) return;
  if (!deps.queue || !deps.providers || !deps.clock || !deps.pacer || deps.appUrl === undefined)
    throw new Error("a live consent change needs the send path (dispatch deps)");
  const shop = await db.shop.findUniqueOrThrow({ where: { id: c.shopId }, include: { settings: true } });
  // The text goes to the number that subscribed: to a customer only when it is their number now.
  const owner = await db.customer.findFirst({
    where: { id: { in: c.customerIds }, phone: c.phone },
    select: { id: true },
  });
  await scheduleMessage(deps as AppServices, {
    shopId: c.shopId,
    customerId: owner?.id ?? null,
    phone: c.phone,
    body: subscribedText({
      brand: shopSenderName(shop),
      frequencyCapCount: shop.settings?.frequencyCapCount ?? 1,
      frequencyCapHours: shop.settings?.frequencyCapHours ?? 24,
    }),
    purpose: "transactional",
    idempotencyKey: `subscribed:${start.id}`,
    dueAt: deps.clock.now(),
  });
}

type SubscriptionStart = { id: string; occurredAt: Date };
/** The fact that started a number's current marketing subscription, or null when not subscribed. */
type SubscriptionStarts = (shopId: string, phone: string) => SubscriptionStart | null;

/**
 * The subscription starts of the changes' numbers, in one read of their marketing facts per
 * shop: per number, newest first, the latest fact must be SUBSCRIBED; the start is the oldest
 * SUBSCRIBED fact after the latest other state (all of them when there is none). The
 * database's order (occurredAt, recordedAt, id) read backwards is the oldest-first order.
 */
async function subscriptionStarts(db: Db, changes: readonly ConsentChange[]): Promise<SubscriptionStarts> {
  const starts = new Map<string, SubscriptionStart | null>();
  const key = (shopId: string, phone: string) => `${shopId}|${phone}`;
  const phonesByShop = new Map<string, Set<string>>();
  for (const c of changes) phonesByShop.set(c.shopId, (phonesByShop.get(c.shopId) ?? new Set()).add(c.phone!));
  for (const [shopId, phones] of phonesByShop) {
    const facts = await sqlOn(db).query<{ phone: string; id: string; state: string; occurredAt: Date | string }>(
      Prisma.sql`
        SELECT "phone", "id", "state", "occurredAt" FROM "ConsentEvent"
        WHERE "shopId" = ${shopId} AND "scope" = 'marketing' AND "phone" IN ${inList([...phones])}
        ORDER BY "occurredAt" DESC, "recordedAt" DESC, "id" DESC`,
    );
    for (const phone of phones) {
      const newestFirst = facts.filter((f) => f.phone === phone);
      if (newestFirst[0]?.state !== "SUBSCRIBED") {
        starts.set(key(shopId, phone), null);
        continue;
      }
      const other = newestFirst.findIndex((f) => f.state !== "SUBSCRIBED");
      const current = other < 0 ? newestFirst : newestFirst.slice(0, other);
      const before = other < 0 ? null : asDate(newestFirst[other]!.occurredAt).getTime();
      // Facts at the other state's own time are not after it (`gt`).
      const first = current.findLast((f) => before === null || asDate(f.occurredAt).getTime() > before);
      starts.set(key(shopId, phone), first ? { id: first.id, occurredAt: asDate(first.occurredAt) } : null);
    }
  }
  return (shopId, phone) => starts.get(key(shopId, phone)) ?? null;
}
