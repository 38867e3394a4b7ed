import db from "../../app/db.server";
import { MINUTE, FakeClock } from "../../app/clock";
import { installShop } from "../../app/commerce/shops.server";
import { checkoutPayload, type CustomerPayloadShape } from "../../dev/simulator/shopify-payloads";
import { jobHandlers, type WorkerDeps } from "../../app/runtime/job-handlers.server";
import { QUEUES } from "../../app/jobs/queue.server";
import { consumeMembershipEvents } from "../../app/flows/engine.server";
import { providers } from "../../app/runtime/services.server";
import { shopifyAdminGraphql } from "../../app/runtime/shopify-admin-graphql.server";
import { SendPacer } from "../../app/sms/send-pacer";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import { sweepShop } from "../../app/segments/sweep.server";
import { webhookPath } from "../../dev/simulator/webhook-sender";
import { queueReceivedWebhooks } from "../../app/webhooks/inbox-queue.server";
import { signedWebhook } from "./webhooks";
import { actionArgs, WEBHOOK_ROUTES } from "./routes";

/** A shop as Shopify sees our app: signed webhooks into the real routes, then a worker tick. */
export class TestShop {
  readonly clock: FakeClock;
  constructor(
    readonly domain: string,
    start = new Date("2026-06-01T12:00:00Z"),
  ) {
    this.clock = new FakeClock(start);
  }

  /**
   * Installs the app in this shop as Shopify's afterAuth does (commerce/shops `installShop`): a
   * webhook never creates a shop, so a shop's webhooks mean something only after this. `send`
   * calls it once before the first delivery unless the test said `notInstalled()`.
   */
  install() {
    return installShop(db, this.domain, this.clock.now());
  }
  private installed?: Promise<unknown>;

  /** A shop the app was never installed in: `send` delivers without installing first. */
  notInstalled(): this {
    this.installed = Promise.resolve();
    return this;
  }

  async send(topic: string, payload: unknown, webhookId?: string, rawBody?: string): Promise<Response> {
    await (this.installed ??= this.install());
    const request = signedWebhook(topic, payload, { shop: this.domain, webhookId, rawBody });
    const response = await WEBHOOK_ROUTES[webhookPath(topic)]!(actionArgs(request));
    if (response.status !== 200) throw new Error(`${topic} answered ${response.status}: ${await response.text()}`);
    return response;
  }

  /**
   * Run queued jobs (what the worker process does) that are due on this shop's clock.
   * Webhook jobs are stamped with wall-clock time by the routes, so they are always due.
   */
  async work(): Promise<void> {
    const handlers = jobHandlers(this.deps);
    const { [QUEUES.processWebhook]: webhook, ...rest } = handlers;
    const farFuture = new Date("9999-12-31T00:00:00Z").getTime();
    for (;;) {
      // What each worker's loop does: queue the processing of the webhooks the routes stored.
      await queueReceivedWebhooks(db, this.deps.queue, new Date());
      // A retried webhook job is due at "now + backoff": "now" moves past the latest one.
      const latest =
        (
          await db.job.aggregate({ where: { queue: QUEUES.processWebhook }, _max: { runAt: true } })
        )._max.runAt?.getTime() ?? 0;
      const webhooksDue = new Date(Math.max(farFuture, latest));
      const ran =
        (await this.deps.queue.runDue({
          handlers: { [QUEUES.processWebhook]: webhook! },
          workerId: "test-worker",
          limit: 200,
          now: webhooksDue,
        })) +
        (await consumeMembershipEvents(this.deps)) +
        (await this.deps.queue.runDue({ handlers: rest, workerId: "test-worker", limit: 200, now: this.clock.now() }));
      if (ran === 0) return;
    }
  }

  /** The worker's dependencies, on this shop's clock, with the process's outbox. */
  get deps() {
    return (this._deps ??= {
      db,
      clock: this.clock,
      queue: new TableJobQueue(db, () => this.clock.now()),
      providers: testProviders,
      // Never sleeps, so it waits for every slot (no horizon): the shop's texts go in one run.
      // Slots beyond the horizon have their own test (messaging/dispatch).
      pacer: new SendPacer(async () => {}, Date.now, Infinity),
      appUrl: "https://sms-app.example",
      admin: shopifyAdminGraphql,
    });
  }
  private _deps?: WorkerDeps & { queue: TableJobQueue };

  async deliver(topic: string, payload: unknown, webhookId?: string) {
    await this.send(topic, payload, webhookId);
    await this.work();
  }

  /** Delivers this exact body (e.g. Shopify's published sample, ids beyond 2^53 intact). */
  async deliverRaw(topic: string, body: string) {
    await this.send(topic, null, undefined, body);
    await this.work();
  }

  /**
   * The shopper starts a checkout and walks away: an hour later the sweep has made it
   * "abandoned" (the default threshold) and the worker has acted on it. Returns the checkout.
   */
  async abandonCheckout(customer: CustomerPayloadShape) {
    const checkout = checkoutPayload({ customer, updatedAt: this.clock.now() });
    await this.deliver("checkouts/create", checkout);
    this.clock.advance(61 * MINUTE);
    await this.sweep();
    await this.work();
    return checkout;
  }

  async sweep() {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: this.domain } });
    return sweepShop(db, shop.id, this.clock.now());
  }

  /** segment key → sorted customer Shopify ids */
  async memberships(): Promise<Record<string, string[]>> {
    const shop = await db.shop.findUniqueOrThrow({ where: { domain: this.domain } });
    const segments = await db.segment.findMany({
      where: { shopId: shop.id },
      include: { memberships: { include: { customer: { select: { shopifyId: true } } } } },
      orderBy: { key: "asc" },
    });
    return Object.fromEntries(segments.map((s) => [s.key, s.memberships.map((m) => m.customer.shopifyId).sort()]));
  }

  async segmentsOf(customerShopifyId: number | string): Promise<string[]> {
    const all = await this.memberships();
    return Object.entries(all)
      .filter(([, ids]) => ids.includes(String(customerShopifyId)))
      .map(([k]) => k)
      .sort();
  }
}

/** The process's registry (routes use it too): its outbox, Twilio credentials sealed with the test key. */
export const testProviders = providers;

let n = 0;
export const uniqueShop = (label: string) => `${label}-${process.pid}-${Date.now().toString(36)}-${++n}.myshopify.com`;
