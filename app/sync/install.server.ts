import type { Db } from "../db.server";
import type { Clock } from "../clock";
import type { JobQueue } from "../jobs/queue.server";
import { installShop } from "../commerce/shops.server";
import { latestSync, startSync } from "./run.server";

/**
 * On install (Shopify's afterAuth): the first time the app has the shop's token, its history
 * is fetched. A re-authentication later starts nothing (the merchant can sync again from
 * Settings or the CLI). Returns the run's id, or null when the shop had synced before.
 */
export async function syncOnInstall(
  deps: { db: Db; queue: JobQueue; clock: Clock },
  domain: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | null> {
  const shop = await installShop(deps.db, domain, deps.clock.now());
  if (await latestSync(deps.db, shop.id)) return null;
  const days = Number(env.SYNC_ORDER_DAYS) || undefined;
  return (await startSync(deps, shop.id, { reason: "install", orderWindowDays: days })).id;
}
