import { SECOND, type Clock } from "../../app/clock";
import type { Db } from "../../app/db.server";
import type { JobQueue } from "../../app/jobs/queue.server";
import { syncOnInstall } from "../../app/sync/install.server";
import { syncReport } from "../../app/sync/report.server";
import type { SimEvent } from "./store";
import { StoreSnapshot } from "./admin-api/snapshot";
import { startAdminApiStandIn, type AdminApiStandIn } from "./admin-api/server";
import { deliver, signWebhook } from "./webhook-sender";

/**
 * The demo's install into a store that already has history, as on a real store: the
 * history is not sent as webhooks; the simulated store's Admin API stand-in serves it to the
 * app's day-one sync (bulk queries), its bulk_operations/finish webhooks go to the app, and
 * once the sync has finished the built-in flows are turned on, so live shoppers get texts
 * (into the local outbox) from then on.
 */
export interface InstallServices {
  db: Db;
  queue: JobQueue;
  clock: Clock;
}

export async function installIntoStoreWithHistory(o: {
  services: InstallServices;
  appUrl: string;
  secret: string;
  shop: string;
  history: SimEvent[];
  port: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}): Promise<{ snapshot: StoreSnapshot; standIn: AdminApiStandIn }> {
  const snapshot = new StoreSnapshot();
  for (const event of o.history) snapshot.apply(event);
  const standIn = await startAdminApiStandIn({
    stores: { [o.shop]: snapshot },
    port: o.port,
    onFinish: (op) => {
      const finish = {
        admin_graphql_api_id: op.id,
        completed_at: op.completedAt,
        created_at: op.createdAt,
        error_code: null,
        status: op.status.toLowerCase(),
        type: "query",
      };
      void deliver(signWebhook(o.appUrl, o.secret, o.shop, "bulk_operations/finish", finish)).catch(() => {});
    },
  });
  o.log(
    `simulated store ${o.shop}: ${snapshot.counts.customers} customers, ${snapshot.counts.orders} orders, ` +
      `${snapshot.counts.products} products of history, served by the Admin API stand-in at ${standIn.origin}`,
  );
  // What Shopify's afterAuth does on a real install.
  const { db, clock } = o.services;
  await syncOnInstall(o.services, o.shop);
  const shop = await db.shop.findUniqueOrThrow({ where: { domain: o.shop }, select: { id: true } });
  for (let shown = -1; !o.signal?.aborted;) {
    const report = await syncReport(db, shop.id, clock.now());
    const percent = Math.round((report?.fraction ?? 0) * 100);
    if (percent !== shown) o.log(`  history import ${percent}% (${report?.status.toLowerCase()})`);
    shown = percent;
    if (report?.status === "COMPLETED" || report?.status === "FAILED") break;
    await new Promise((r) => setTimeout(r, SECOND));
  }
  const { count } = await db.flow.updateMany({ where: { shopId: shop.id, builtIn: true }, data: { enabled: true } });
  o.log(`simulated store ${o.shop}: history imported; ${count} built-in flows turned on`);
  return { snapshot, standIn };
}
