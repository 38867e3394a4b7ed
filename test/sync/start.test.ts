import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { runCli } from "../../app/operator/cli.server";
import { ensureShop } from "../../app/commerce/shops.server";
import { syncOnInstall } from "../../app/sync/install.server";
import { latestSync, startSync } from "../../app/sync/run.server";
import { QUEUES } from "../../app/jobs/queue.server";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import { TestShop, uniqueShop } from "../support/app";
import { runSyncToEnd, shopWithHistory, snapshotOf, storeHistory } from "../support/synced-store";
import { readFileSync } from "node:fs";

async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli({
    db,
    argv,
    io: {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      jobs: async () => new TableJobQueue(db),
    },
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const NOW = new Date("2026-06-01T12:00:00Z");
const small = () => snapshotOf(storeHistory({ now: NOW, days: 5, actionsPerDay: 4, seed: 3 }));

describe("starting a sync", () => {
  it("on install: the first authentication starts one, a later one does not", async () => {
    const shop = new TestShop(uniqueShop("install"), NOW);
    const first = await syncOnInstall(shop.deps, shop.domain, {});
    expect(first).not.toBeNull();
    expect(await syncOnInstall(shop.deps, shop.domain, {})).toBeNull();
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: first! } });
    expect(run).toMatchObject({ reason: "install", status: "RUNNING" });
    // Orders: the last two years by default.
    expect(Math.round((NOW.getTime() - run.ordersSince.getTime()) / 86_400_000)).toBe(730);
  });

  it("one at a time per shop: a second start returns the running sync", async () => {
    const shop = new TestShop(uniqueShop("twice"), NOW);
    const { id: shopId } = await ensureShop(db, shop.domain);
    const a = await startSync(shop.deps, shopId, { reason: "settings" });
    const b = await startSync(shop.deps, shopId, { reason: "cli" });
    expect(b).toEqual({ id: a.id, created: false });
  });

  it("waits while Shopify refuses a second bulk query for the shop, then goes on", async () => {
    const { shop, shopId, standIn } = await shopWithHistory("busy", { now: NOW, snapshot: small() });
    try {
      // Another bulk query of this app is running on the shop (e.g. from an earlier process).
      await shop.deps.admin!(
        shop.domain,
        "mutation($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { message } } }",
        {
          query: "{ customers { edges { node { id } } } }",
        },
      );
      await startSync(shop.deps, shopId, { reason: "cli" });
      await shop.work();
      const refused = standIn.requests.filter((r) => r.shop === shop.domain && r.query.includes("SyncBulkQuery"));
      expect(refused).toHaveLength(1);
      expect((await latestSync(db, shopId))?.bulkOperationId).toBeNull();
      // The other operation finishes (the stand-in completes it when its status is read).
      await shop.deps.admin!(shop.domain, "query { currentBulkOperation { id status } }");
      expect((await runSyncToEnd(shop, shopId)).status).toBe("COMPLETED");
    } finally {
      await standIn.close();
    }
  });

  it("a bulk_operations/finish webhook wakes the sync at once instead of at its next status check", async () => {
    const { shop, shopId, standIn } = await shopWithHistory("finish", {
      now: NOW,
      snapshot: small(),
      sync: { pollMs: 60 * 60 * 1000 },
    });
    try {
      await startSync(shop.deps, shopId, { reason: "install" });
      await shop.work();
      const run = await latestSync(db, shopId);
      const published = JSON.parse(
        readFileSync("test/fixtures/shopify/graphql/webhook-bulk_operations-finish.json", "utf8"),
      ) as Record<string, unknown>;
      await shop.send("bulk_operations/finish", { ...published, admin_graphql_api_id: run!.bulkOperationId });
      await shop.work(); // no clock change: only the webhook's step can have run
      const after = await latestSync(db, shopId);
      expect(after?.resource).toBe("inventory");
      const jobs = await db.job.count({ where: { queue: QUEUES.syncStep, payload: { equals: { runId: run!.id } } } });
      expect(jobs).toBeGreaterThan(0);
    } finally {
      await standIn.close();
    }
  });
});

describe("operator CLI: sync and flows", () => {
  it("sync start queues a sync, sync status shows it per resource", async () => {
    const shop = new TestShop(uniqueShop("cli-sync"), NOW);
    await ensureShop(db, shop.domain);
    const started = await cli("sync", "start", "--shop", shop.domain, "--order-days", "365");
    expect(started.code).toBe(0);
    expect(started.out).toMatch(/sync \w+ queued/);
    const status = await cli("sync", "status", "--shop", shop.domain);
    expect(status.out).toMatch(/\(cli\): running, 0%/);
    expect(status.out).toMatch(/Customers and SMS consent\s+waiting/);
    const json = JSON.parse((await cli("sync", "status", "--shop", shop.domain, "--json")).out) as { status: string };
    expect(json.status).toBe("RUNNING");
  });

  it("flows enable|disable <key> turns a built-in flow on and off; an unknown key is an error", async () => {
    const shop = new TestShop(uniqueShop("cli-flows"), NOW);
    const { id } = await ensureShop(db, shop.domain);
    expect((await cli("flows", "enable", "welcome", "--shop", shop.domain)).out).toMatch(/flow welcome is on/);
    expect((await db.flow.findFirstOrThrow({ where: { shopId: id, key: "welcome" } })).enabled).toBe(true);
    await cli("flows", "disable", "welcome", "--shop", shop.domain);
    expect((await db.flow.findFirstOrThrow({ where: { shopId: id, key: "welcome" } })).enabled).toBe(false);
    const unknown = await cli("flows", "enable", "nope", "--shop", shop.domain);
    expect(unknown).toMatchObject({ code: 2, err: expect.stringMatching(/no flow nope/) });
  });
});
