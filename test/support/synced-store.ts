import db from "../../app/db.server";
import { DAY, SECOND } from "../../app/clock";
import { ensureShop } from "../../app/commerce/shops.server";
import { startBackfillOfAllSegments } from "./segment-reference";
import { SimulatedStore, type SimEvent } from "../../dev/simulator/store";
import { StoreSnapshot } from "../../dev/simulator/admin-api/snapshot";
import { startAdminApiStandIn, type AdminApiStandIn } from "../../dev/simulator/admin-api/server";
import { httpAdminGraphql } from "../../app/shopify-admin/http-client.server";
import { latestSync, startSync, type SyncOptions } from "../../app/sync/run.server";
import { TestShop, uniqueShop } from "./app";

/** A simulated store's history: the webhooks it sent over `days`, ending at `now`. */
export function storeHistory(o: { now: Date; days: number; actionsPerDay: number; seed: number }): SimEvent[] {
  const store = new SimulatedStore(new Date(o.now.getTime() - o.days * DAY), {
    seed: o.seed,
    actionsPerDay: o.actionsPerDay,
  });
  return store.advance(o.now);
}

export function snapshotOf(events: SimEvent[]): StoreSnapshot {
  const snapshot = new StoreSnapshot();
  for (const e of events) snapshot.apply(e);
  return snapshot;
}

/** A test shop installed into a store that already has history, with the Admin API stand-in. */
export async function shopWithHistory(label: string, o: { now: Date; snapshot: StoreSnapshot; sync?: SyncOptions }) {
  const shop = new TestShop(uniqueShop(label), o.now);
  const standIn: AdminApiStandIn = await startAdminApiStandIn({ stores: { [shop.domain]: o.snapshot } });
  Object.assign(shop.deps, {
    admin: httpAdminGraphql({ origin: standIn.origin, accessToken: "shpat_test_token", sleep: async () => {} }),
    sync: { pollMs: 2 * SECOND, ...o.sync },
  });
  const { id: shopId } = await ensureShop(db, shop.domain);
  return { shop, shopId, standIn };
}

/** Runs the worker (on the shop's clock, a poll interval at a time) until the shop's latest sync has ended. */
export async function runSyncToEnd(shop: TestShop, shopId: string, maxTicks = 500) {
  for (let i = 0; i < maxTicks; i++) {
    await shop.work();
    const run = await latestSync(db, shopId);
    if (run && (run.status === "COMPLETED" || run.status === "FAILED")) return run;
    shop.clock.advance(2 * SECOND);
  }
  throw new Error("sync did not end");
}

export async function syncShop(shop: TestShop, shopId: string) {
  await startSync(shop.deps, shopId, { reason: "install" });
  return runSyncToEnd(shop, shopId);
}

/**
 * The same history delivered the way the app sees a live store: each webhook through the
 * real route at its own time, then every segment computed once at the end (the reference
 * the sync must match).
 */
export async function replayAsWebhooks(label: string, events: SimEvent[], now: Date) {
  const shop = new TestShop(uniqueShop(label), events[0]?.at ?? now);
  for (const e of events) {
    if (e.at > shop.clock.now()) shop.clock.set(e.at);
    await shop.send(e.topic, e.payload);
  }
  shop.clock.set(now);
  await shop.work();
  const { id: shopId } = await db.shop.findUniqueOrThrow({ where: { domain: shop.domain } });
  await startBackfillOfAllSegments(shop, shopId);
  return { shop, shopId };
}
