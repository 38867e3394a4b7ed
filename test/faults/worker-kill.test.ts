import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { systemClock } from "../../app/clock";
import { PgBossJobQueue } from "../../app/jobs/pg-boss-queue.server";
import { SendPacer } from "../../app/sms/send-pacer";
import { testProviders } from "../support/app";
import { startTwilioServer } from "../support/twilio-server";
import {
  accountSid,
  authToken,
  launchTestCampaign,
  seedCampaignShop,
  sendsPerRecipient,
} from "./support/campaign-shop";
import { killWorker, sleep, spawnWorker, stopWorker, waitFor, type Worker } from "./support/child-worker";

const MESSAGES = Number(process.env.FAULT_MESSAGES) || 5000;
const WORKERS = 3;
const KILLS = 8;

let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
let queue: PgBossJobQueue;
const workers: Worker[] = [];
beforeAll(async () => {
  twilio = await startTwilioServer({ [accountSid]: authToken });
  queue = new PgBossJobQueue(process.env.DATABASE_URL!, { heartbeatSeconds: 10 });
});
afterAll(async () => {
  await Promise.all(workers.map(stopWorker));
  await queue.stop();
  await twilio.close();
});

describe("workers killed with SIGKILL during a campaign", () => {
  it(`${MESSAGES} messages: each number texted exactly once, none lost, whatever instruction the workers die on`, async (ctx) => {
    ctx.skip(!process.env.DATABASE_URL?.startsWith("postgres"), "pg-boss runs on PostgreSQL");
    const { shopId, segmentId } = await seedCampaignShop("worker-kill", MESSAGES, twilio.url);
    const started = Date.now();
    for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker());
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

    // Kill a random running worker at evenly spread points of the sending (mid fan-out, mid
    // send, mid provider call: wherever it happens to be) and start a new one.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sentWhenKilled: number[] = [];
    for (let k = 0; k < KILLS; k++) {
      const target = Math.floor(((k + 1) * MESSAGES) / (KILLS + 2));
      await waitFor(async () => twilio.received.length >= target, 120_000);
      const victim = Math.floor(random() * workers.length);
      await workers[victim]!.ready;
      await sleep(random() * 500);
      await killWorker(workers[victim]!);
      sentWhenKilled.push(twilio.received.length);
      workers[victim] = spawnWorker();
    }

    const sent = () => db.message.count({ where: { shopId, status: "SENT" } });
    const finished = await waitFor(async () => (await sent()) === MESSAGES, 20 * 60_000);
    const seconds = Math.round((Date.now() - started) / 1000);
    const statuses = await db.message.groupBy({ by: ["status"], where: { shopId }, _count: { _all: true } });
    expect(finished, JSON.stringify(statuses)).toBe(true);

    const perNumber = sendsPerRecipient(twilio.received);
    const phones = await db.customer.findMany({ where: { shopId }, select: { phone: true } });
    expect(perNumber.size).toBe(MESSAGES);
    for (const { phone } of phones) expect(perNumber.get(phone!), phone!).toBe(1);
    expect(twilio.received).toHaveLength(MESSAGES);
    const reconciled = await db.message.count({ where: { shopId, attempts: { gt: 1 } } });
    console.log(
      `faults: ${MESSAGES}-message campaign, ${WORKERS} pg-boss workers, ${KILLS} SIGKILLs (at ${sentWhenKilled.join(", ")} sent) and restarts: ` +
        `${MESSAGES} SENT, ${perNumber.size} numbers each texted exactly once, 0 lost, 0 duplicated, ${reconciled} messages claimed more than once; ${seconds} s`,
    );
  });
});
