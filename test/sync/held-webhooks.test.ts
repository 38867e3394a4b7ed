import { describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { action as customersAction } from "../../app/routes/webhooks.customers";
import { TableJobQueue } from "../../app/jobs/table-queue.server";
import { HELD_REPLAY_ATTEMPTS, replayHeldWebhooks } from "../../app/sync/held-webhooks.server";
import { actionArgs, signedWebhook } from "../support/webhooks";

/** Three customers/update deliveries for one shopper, stored by the real route as a sync would hold them. */
async function heldDeliveries(shop: string): Promise<string[]> {
  const ids: string[] = [];
  for (const name of ["first", "second", "third"]) {
    const payload = { id: 7001, first_name: name, updated_at: "2026-11-01T10:00:00Z" };
    const response = await customersAction(
      actionArgs(signedWebhook("customers/update", payload, { shop, webhookId: `${shop}-${name}` })),
    );
    expect(response.status).toBe(200);
    const row = await db.webhookInbox.findFirstOrThrow({ where: { shopDomain: shop, webhookId: `${shop}-${name}` } });
    ids.push(row.id);
  }
  return ids;
}

/** A replay that fails for `failing` (as processWebhook does: FAILED, attempt counted, thrown) while `fails()` says so. */
function recordingReplay(failing: string, fails: () => boolean) {
  const applied: string[] = [];
  const replayWebhook = async (inboxId: string) => {
    if (inboxId === failing && fails()) {
      await db.webhookInbox.update({
        where: { id: inboxId },
        data: { status: "FAILED", error: "database went away", attempts: { increment: 1 } },
      });
      throw new Error("database went away");
    }
    await db.webhookInbox.update({ where: { id: inboxId }, data: { status: "PROCESSED", processedAt: new Date() } });
    applied.push(inboxId);
  };
  return { applied, replayWebhook };
}

const forever = () => Date.now() + 60_000;

describe("webhooks held during a sync, replayed after it", () => {
  it("GIVEN the second of three fails once WHEN replayed THEN the third waits behind it and all apply in delivery order", async () => {
    const shop = `held-once-${Date.now()}.myshopify.com`;
    const [first, second, third] = await heldDeliveries(shop);
    let failures = 0;
    const { applied, replayWebhook } = recordingReplay(second!, () => failures++ < 1);
    const deps = { db, queue: new TableJobQueue(db), replayWebhook };

    expect(await replayHeldWebhooks(deps, shop, forever())).toBe("failed");
    expect(applied).toEqual([first]);

    expect(await replayHeldWebhooks(deps, shop, forever())).toBe("done");
    expect(applied).toEqual([first, second, third]);
  });

  it("GIVEN one that fails every time WHEN it has failed HELD_REPLAY_ATTEMPTS times THEN it goes to the queue's retries and the rest apply", async () => {
    const shop = `held-always-${Date.now()}.myshopify.com`;
    const [first, second, third] = await heldDeliveries(shop);
    const { applied, replayWebhook } = recordingReplay(second!, () => true);
    const queue = new TableJobQueue(db);
    const deps = { db, queue, replayWebhook };

    const outcomes = [];
    for (let step = 0; step < HELD_REPLAY_ATTEMPTS; step++)
      outcomes.push(await replayHeldWebhooks(deps, shop, forever()));
    expect(outcomes).toEqual([...Array(HELD_REPLAY_ATTEMPTS - 1).fill("failed"), "done"]);
    expect(applied).toEqual([first, third]);
    expect(await db.job.count({ where: { dedupeKey: `webhook:${second}:after-sync` } })).toBe(1);
  });
});
