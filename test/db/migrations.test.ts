import { describe, expect, inject, it } from "vitest";
import { resolveDatabaseTarget } from "../../app/config/database-url";
import { listMigrations, migrate } from "../../app/db/migrations.server";
import { migrationDrift } from "../../dev/db/drift.server";
import { createScratchDatabase } from "../../dev/db/test-databases.server";
import db from "../../app/db.server";

const provider = inject("databaseProvider");

describe(`migrations on ${provider}`, () => {
  it("applied to this run's database: the app's client reads and writes every area", async () => {
    expect(resolveDatabaseTarget().provider).toBe(provider);
    const shop = await db.shop.create({
      data: { domain: `migr-${Date.now()}.myshopify.com`, settings: { create: {} } },
    });
    const customer = await db.customer.create({
      data: { shopId: shop.id, shopifyId: "1", phone: "+14155550100", smsConsent: "SUBSCRIBED" },
    });
    await db.consentEvent.create({
      data: {
        shopId: shop.id,
        customerId: customer.id,
        phone: customer.phone,
        state: "SUBSCRIBED",
        source: "CHECKOUT",
        occurredAt: new Date(),
      },
    });
    const segment = await db.segment.create({
      data: {
        shopId: shop.id,
        key: "sms-subscriber",
        name: "SMS subscribers",
        kind: "BUILT_IN",
        definition: { condition: "sms_subscribed" },
      },
    });
    await db.segmentMembership.create({
      data: { segmentId: segment.id, customerId: customer.id, shopId: shop.id, enteredAt: new Date() },
    });
    const loaded = await db.shop.findUniqueOrThrow({
      where: { id: shop.id },
      include: { settings: true, customers: true },
    });
    expect(loaded.settings?.quietHoursStartMinute).toBe(20 * 60);
    expect(loaded.customers[0]?.smsConsent).toBe("SUBSCRIBED");
    await db.shop.delete({ where: { id: shop.id } });
    expect(await db.customer.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it.runIf(provider === "postgresql")(
    "leave a tenth of Customer's pages free: an update of unindexed columns stays on its page (HOT)",
    async () => {
      const [table] = await db.$queryRaw<{ options: string[] | null }[]>`
        SELECT "reloptions" AS "options" FROM pg_class WHERE oid = '"Customer"'::regclass`;
      expect(table?.options).toEqual(["fillfactor=90"]);
    },
  );

  it("re-running is a no-op, and an edited applied migration is refused", async () => {
    const scratch = await createScratchDatabase(provider, "migr");
    try {
      const first = await migrate(scratch.target);
      expect(first.applied).toEqual(listMigrations(provider).map((m) => m.name));
      const second = await migrate(scratch.target);
      expect(second.applied).toEqual([]);
      const edited = listMigrations(provider).map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
      await expect(migrate(scratch.target, edited)).rejects.toThrow(/was modified after it was applied/);
    } finally {
      await scratch.drop();
    }
  });

  it("the drift check sees a schema the migrations do not produce", async () => {
    expect((await migrationDrift(provider)).differences).toEqual([]);
    const tampered = await migrationDrift(provider, (db) =>
      db.exec(`ALTER TABLE "Customer" ADD COLUMN "unplanned" TEXT`),
    );
    expect(tampered.differences).toEqual([expect.stringMatching(/not in schema\.prisma:.*Customer\.unplanned/)]);
    // Two drift checks, each migrating a scratch database and introspecting it with Prisma's
    // engine: ~10 s each on an idle machine, past 30 s together under a loaded one.
  }, 120_000);
});
