import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { action as settingsAction, loader as settingsLoader } from "../../app/routes/app.settings";
import { loader as homeLoader } from "../../app/routes/app._index";
import { AdminClient } from "../support/admin-pages";
import { uniqueShop } from "../support/app";

async function merchant(label: string) {
  const domain = uniqueShop(label);
  const shop = await ensureShop(db, domain);
  return { shop, client: new AdminClient(domain) };
}

describe("the store-history import in the admin", () => {
  it("GIVEN a shop never imported WHEN the merchant clicks Import again in Settings THEN a sync starts, once", async () => {
    const { shop, client } = await merchant("admin-sync");
    const first = (await client.act(settingsAction, "/app/settings", { intent: "sync" })) as unknown as {
      notice: string;
    };
    expect(first.notice).toBe("History import started.");
    const second = (await client.act(settingsAction, "/app/settings", { intent: "sync" })) as unknown as {
      notice: string;
    };
    expect(second.notice).toBe("An import is already running.");
    expect(await db.syncRun.count({ where: { shopId: shop.id } })).toBe(1);
    const page = await client.load(settingsLoader, "/app/settings");
    expect(page.sync).toMatchObject({ status: "RUNNING", reason: "settings" });
  });

  it("GIVEN an import running THEN home shows its progress per resource and the checklist waits for it before flows", async () => {
    const { shop, client } = await merchant("admin-sync-home");
    await db.syncRun.create({
      data: {
        shopId: shop.id,
        reason: "install",
        ordersSince: new Date(Date.now() - 730 * 86_400_000),
        startedAt: new Date(Date.now() - 60_000),
        resource: "customers",
        resultUrl: "http://127.0.0.1:1/bulk/1.jsonl",
        progress: {
          products: { applied: 8, skipped: 0, roots: 8, finishedAt: new Date().toISOString() },
          inventory: { applied: 15, skipped: 0, roots: 15, finishedAt: new Date().toISOString() },
          customers: { applied: 500, skipped: 0, roots: 2000 },
        },
      },
    });
    const home = await client.load(homeLoader, "/app");
    expect(home.sync?.resources.map((r) => [r.key, r.state, r.applied, r.total])).toEqual([
      ["products", "done", 8, 8],
      ["inventory", "done", 15, 15],
      ["customers", "writing", 500, 2000],
      ["orders", "waiting", 0, null],
      ["checkouts", "waiting", 0, null],
    ]);
    expect(home.sync?.fraction).toBeGreaterThan(0.3);
    expect(home.sync?.secondsLeft).toBeGreaterThan(0);
    const steps = Object.fromEntries(home.checklist.map((s) => [s.key, s]));
    expect(steps.history).toMatchObject({ done: false });
    expect(steps.flow!.detail).toMatch(/Wait for the history import to finish/);
  });
});
