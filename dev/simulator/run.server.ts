import { DAY, MINUTE } from "../../app/clock";
import { SimulatedStore, type SimEvent } from "./store";
import { deliver, signWebhook } from "./webhook-sender";
import type { InstallServices } from "./install.server";
import { shopUpdatePayload } from "./shopify-payloads";

export interface SimulatorOptions {
  appUrl: string;
  secret: string;
  shop: string;
  /** Days of store history delivered first, so time-based segments have members at once. */
  historyDays: number;
  historyActionsPerDay: number;
  liveActionsPerMinute: number;
  /** Share of deliveries sent twice with the same webhook id, as Shopify sometimes does. */
  redeliveryRate: number;
  /** Keep producing live events after the history until the signal aborts. */
  live: boolean;
  seed?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
  /**
   * How the app learns the history: "webhooks" delivers it (tests of ingestion), or the app
   * is installed into the store and syncs it through the Admin API stand-in on this port.
   */
  history?: { mode: "webhooks" } | { mode: "sync"; adminApiPort: number; services: () => Promise<InstallServices> };
  /**
   * What Shopify's afterAuth does when the merchant installs the app (commerce/shops
   * `installShop`): the app ignores webhooks from a shop it is not installed in, so the store
   * installs it before it sends anything.
   */
  install: () => Promise<unknown>;
}

export interface SimulatorStats {
  delivered: number;
  redelivered: number;
  failed: number;
  byStatus: Record<number, number>;
}

/**
 * Runs the simulated store against the app's own webhook endpoints: the history first,
 * then live events until the signal aborts. Logs counts and topics only, never shopper data.
 */
export async function runSimulator(o: SimulatorOptions): Promise<SimulatorStats> {
  const now = o.now ?? (() => new Date());
  const log = o.log ?? (() => {});
  // Deterministic for a seed, like the store itself.
  let r = (o.seed ?? 1) * 7919;
  const redeliver = () => (r = (r * 16807) % 2147483647) / 2147483647 < o.redeliveryRate;
  const stats: SimulatorStats = { delivered: 0, redelivered: 0, failed: 0, byStatus: {} };
  const store = new SimulatedStore(new Date(now().getTime() - o.historyDays * DAY), {
    seed: o.seed,
    actionsPerDay: o.historyActionsPerDay,
  });

  await o.install();
  // The shop's own facts first, as Shopify's shop/update gives them (name, contact, zone).
  await send({
    at: now(),
    topic: "shop/update",
    payload: shopUpdatePayload({
      domain: o.shop,
      name: "Northbean Coffee",
      email: "hello@northbean.example",
      ianaTimezone: "America/Los_Angeles",
      countryCode: "US",
      updatedAt: now(),
    }),
  });
  const history = store.advance(now());
  if (o.history?.mode === "sync") {
    const { installIntoStoreWithHistory } = await import("./install.server");
    const { standIn, snapshot } = await installIntoStoreWithHistory({
      services: await o.history.services(),
      appUrl: o.appUrl,
      secret: o.secret,
      shop: o.shop,
      history,
      port: o.history.adminApiPort,
      log,
      signal: o.signal,
    });
    o.signal?.addEventListener("abort", () => void standIn.close());
    // Live events change the store the stand-in serves too (a sync from Settings sees them).
    await live((event) => snapshot.apply(event));
    return stats;
  }
  log(`simulated store ${o.shop}: delivering ${history.length} webhooks of ${o.historyDays} days of history`);
  // A few deliveries in flight at once, as from Shopify: the app must not depend on order.
  let next = 0;
  const lane = async () => {
    while (next < history.length && !o.signal?.aborted) {
      const i = next++;
      await send(history[i]!);
      if ((i + 1) % 500 === 0) log(`  history ${i + 1}/${history.length}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, lane));
  log(`simulated store ${o.shop}: history delivered (${stats.delivered} ok, ${stats.failed} failed)`);
  await live();
  return stats;

  async function live(seen: (event: SimEvent) => void = () => {}) {
    if (!o.live) return;
    log(`simulated store ${o.shop}: live, ~${o.liveActionsPerMinute} shopper actions a minute`);
    store.setRate(o.liveActionsPerMinute * (DAY / MINUTE), now());
    while (!o.signal?.aborted) {
      for (const event of store.advance(now())) {
        seen(event);
        await send(event);
        log(`  ${event.topic}`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async function send(event: SimEvent) {
    const delivery = signWebhook(o.appUrl, o.secret, o.shop, event.topic, event.payload, { triggeredAt: event.at });
    const status = await deliver(delivery);
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    if (status === 200) stats.delivered++;
    else stats.failed++;
    if (status === 200 && redeliver()) {
      await deliver(delivery);
      stats.redelivered++;
    }
  }
}
