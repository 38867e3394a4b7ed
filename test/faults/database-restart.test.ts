import { privatePostgres } from "./support/use-private-postgres";
import "./support/use-pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SECRET_KEY } from "@shopify/shopify-api/test-helpers";
import db from "../../app/db.server";
import { systemClock } from "../../app/clock";
import { queue } from "../../app/runtime/job-engine.server";
import { SendPacer } from "../../app/sms/send-pacer";
import { deliver, signWebhook } from "../../dev/simulator/webhook-sender";
import { TestShop, testProviders, uniqueShop } from "../support/app";
import { customerPayload } from "../support/fixtures";
import { startWebhookServer } from "../support/routes";
import { startTwilioServer } from "../support/twilio-server";
import {
  accountSid,
  authToken,
  launchTestCampaign,
  seedCampaignShop,
  sendsPerRecipient,
} from "./support/campaign-shop";
import { sleep, spawnWorker, stopWorker, waitFor, type Worker } from "./support/child-worker";

const MESSAGES = Number(process.env.FAULT_MESSAGES) || 1000;
const WEBHOOKS = 300;
const RESTARTS = 3;
const DOWN_MS = 3000;

let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
let web: Awaited<ReturnType<typeof startWebhookServer>>;
const workers: Worker[] = [];
beforeAll(async () => {
  twilio = await startTwilioServer({ [accountSid]: authToken });
  web = await startWebhookServer();
});
// Each teardown step is bounded: after three restarts one of them (not yet identified) has taken over
// 120 s on a busy machine while the test itself had passed; the private server is destroyed regardless.
const bounded = (step: Promise<unknown>) => Promise.race([step.catch(() => undefined), sleep(60_000)]);
afterAll(async () => {
  await bounded(Promise.all(workers.map(stopWorker)));
  await bounded(queue.stop());
  await bounded(web.close());
  await bounded(twilio.close());
  await bounded(db.$disconnect());
  await privatePostgres?.destroy();
}, 420_000);

/**
 * PostgreSQL is restarted mid-run, three times: a fast shutdown (every client disconnected),
 * 3 s with nothing listening, then a cold start. The server is one of the test's own
 * (support/private-postgres.ts); the machine's shared server is not ours to restart.
 */
describe("PostgreSQL restarts mid-run", () => {
  it("workers and web routes reconnect by themselves; the campaign and the webhooks complete, exactly once", async (ctx) => {
    ctx.skip(!privatePostgres, "PostgreSQL only");
    const { shopId, segmentId } = await seedCampaignShop("db-restart", MESSAGES, twilio.url);
    const storefront = uniqueShop("db-restart-webhooks");
    await new TestShop(storefront).install(); // deliveries go over HTTP, not through TestShop.send
    const started = Date.now();
    // A supervisor (systemd, Kubernetes) restarts a worker that exits; so does this test.
    let restarts = 0;
    const supervised = (): Worker => {
      const w = spawnWorker();
      w.once("exit", (code) => {
        if (code === 0 || code === null) return; // stopped by the test (SIGTERM) or killed
        restarts++;
        workers.push(supervised());
      });
      return w;
    };
    for (let i = 0; i < 2; i++) workers.push(supervised());
    await Promise.all(workers.map((w) => w.ready));
    await launchTestCampaign(
      {
        db,
        queue,
        clock: systemClock,
        providers: testProviders,
        pacer: new SendPacer(),
        appUrl: "https://sms-app.example",
      },
      shopId,
      segmentId,
    );

    // Shopify keeps delivering (and, like Shopify, retries what was not answered 2xx).
    const statuses: number[] = [];
    const posting = (async () => {
      for (let i = 0; i < WEBHOOKS; i += 4) {
        const batch = Array.from({ length: Math.min(4, WEBHOOKS - i) }, (_, j) => {
          const customer = customerPayload({
            id: 6_600_000 + i + j,
            updatedAt: new Date(),
            smsState: "subscribed",
            phone: `+447401${String(i + j).padStart(6, "0")}`,
            firstName: "Ottoline",
            lastName: "Vasquez-Brandt",
          });
          return deliver(signWebhook(web.url, API_SECRET_KEY, storefront, "customers/create", customer), 12);
        });
        statuses.push(...(await Promise.all(batch)));
      }
    })();

    for (let i = 0; i < RESTARTS; i++) {
      await sleep(4000);
      await privatePostgres!.restart(DOWN_MS);
    }
    await posting;

    const done = await waitFor(async () => {
      const [sent, processed] = await Promise.all([
        db.message.count({ where: { shopId, status: "SENT" } }),
        db.webhookInbox.count({ where: { shopDomain: storefront, status: "PROCESSED" } }),
      ]);
      return sent === MESSAGES && processed === WEBHOOKS;
    }, 20 * 60_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    const inbox = await db.webhookInbox.groupBy({
      by: ["status"],
      where: { shopDomain: storefront },
      _count: { _all: true },
    });
    const messages = await db.message.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
    expect(done, JSON.stringify({ inbox, messages })).toBe(true);

    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await db.customer.count({ where: { shop: { domain: storefront } } })).toBe(WEBHOOKS);
    const perNumber = sendsPerRecipient(twilio.received);
    expect(perNumber.size).toBe(MESSAGES);
    // When a number got two texts, say what its messages look like (an intermittent CI failure, stop 22).
    const twice = [...perNumber.entries()].filter(([, n]) => n > 1).map(([to]) => to);
    if (twice.length) {
      const rows = await db.message.findMany({
        where: { shopId, phone: { in: twice } },
        select: {
          id: true,
          status: true,
          attempts: true,
          sentAt: true,
          providerMessageId: true,
          error: true,
        },
      });
      console.log(
        "faults: numbers texted twice, with their messages",
        // Ids, states and counts only: no number or text in the logs (the log-privacy test reads them).
        JSON.stringify({ numbers: twice.length, rows }),
      );
    }
    expect([...perNumber.values()].every((n) => n === 1)).toBe(true);
    // No manual step: whatever exited was restarted by the supervisor loop above.
    expect(restarts).toBeLessThanOrEqual(RESTARTS * 2);
    console.log(
      `faults: PostgreSQL restarted ${RESTARTS} times (fast shutdown, ${DOWN_MS / 1000} s down, cold start) during a ${MESSAGES}-message campaign and ${WEBHOOKS} webhooks: ` +
        `all ${WEBHOOKS} webhooks answered 200 and processed, ${MESSAGES} SENT, 0 duplicated, ${restarts} worker restarts by the supervisor, no manual step; ${seconds} s`,
    );
  });
});
