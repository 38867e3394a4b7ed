import type { Db } from "../db.server";
import { isUniqueViolation } from "../db/unique-violation";
import { seedBuiltInSegments } from "../segments/builtins.server";
import { seedBuiltInFlows } from "../flows/builtins.server";
import { shopName } from "../shop-name";

/**
 * The shop row for a domain, created (with default settings, built-in segments and flows) if
 * missing. Only install paths call it (`installShop`, the admin's authenticated session, the
 * dev login, and tests and benchmarks standing in for an install): a webhook never creates a
 * shop (`installedShop`).
 */
export async function ensureShop(db: Db, domain: string) {
  const existing = await db.shop.findUnique({ where: { domain }, include: { settings: true } });
  if (existing?.settings) return { ...existing, settings: existing.settings };
  if (existing) {
    // A shop row without settings (created before settings existed): complete it.
    const settings = await db.shopSettings.create({ data: { shopId: existing.id } }).catch(async (error: unknown) => {
      if (isUniqueViolation(error)) return db.shopSettings.findUniqueOrThrow({ where: { shopId: existing.id } });
      throw error;
    });
    await seedBuiltInSegments(db, existing.id, settings);
    await seedBuiltInFlows(db, existing.id);
    return { ...existing, settings };
  }
  // Shop, settings, built-in segments and flows appear together or not at all: a second
  // install path at the same moment (afterAuth and the first admin request) waits on the
  // insert and finds the finished shop, and a webhook worker finds no shop or a finished one:
  // never a half-seeded segment list against which memberships would be missed for good.
  const shop = await db
    .$transaction(async (tx) => {
      const created = await tx.shop.create({
        data: { domain, name: shopName({ name: null, domain }), settings: { create: {} } },
        include: { settings: true },
      });
      await seedBuiltInSegments(tx, created.id, created.settings!);
      await seedBuiltInFlows(tx, created.id);
      return created;
    })
    .catch(async (error: unknown) => {
      if (isUniqueViolation(error))
        return db.shop.findUniqueOrThrow({ where: { domain }, include: { settings: true } });
      throw error;
    });
  return { ...shop, settings: shop.settings! };
}

export type ShopWithSettings = Awaited<ReturnType<typeof ensureShop>>;

/**
 * Install and reinstall (Shopify's afterAuth): the shop exists, and is installed again if
 * app/uninstalled had marked it (so the sweep, flows, campaigns and the storefront forms
 * resume). The one way a shop comes into being besides an authenticated admin session.
 */
export async function installShop(db: Db, domain: string, now: Date): Promise<ShopWithSettings> {
  const shop = await ensureShop(db, domain);
  if (!shop.uninstalledAt) return shop;
  await db.shop.update({ where: { id: shop.id }, data: { uninstalledAt: null, installedAt: now } });
  return { ...shop, uninstalledAt: null, installedAt: now };
}

/**
 * The shop a webhook is for, or null when the app holds no shop for the domain: it never
 * installed here (a forged or misrouted delivery signed with our secret, or one that beat the
 * install), or shop/redact erased it. A shop marked uninstalled is still returned: its data
 * stays until shop/redact, and nothing is sent to its shoppers (the send gate, flows and
 * campaigns refuse while `uninstalledAt` is set). Never creates anything.
 */
export async function installedShop(db: Db, domain: string): Promise<ShopWithSettings | null> {
  const shop = await db.shop.findUnique({ where: { domain }, include: { settings: true } });
  if (!shop) return null;
  // A shop row without settings predates settings: completing it is ensureShop's job.
  return shop.settings ? { ...shop, settings: shop.settings } : ensureShop(db, domain);
}
