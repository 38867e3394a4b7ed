import { afterAll, beforeAll, describe, expect, it } from "vitest";
import db from "../../app/db.server";
import { MINUTE } from "../../app/clock";
import { TestShop } from "../support/app";
import { startTwilioServer, twilioError, type Fault } from "../support/twilio-server";
import {
  accountSid,
  authToken,
  launchTestCampaign,
  seedCampaignShop,
  sendsPerRecipient,
} from "./support/campaign-shop";

const MESSAGES = 300;
const OUTAGE_REQUESTS = 240;
const TIMEOUT_MS = 300;

// A seeded random, so a failure can be replayed.
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

/**
 * The provider for its first OUTAGE_REQUESTS requests (sends and lookups alike): rate
 * limits, 5xx, connections that hang, sends it takes but never answers, a few numbers it
 * calls invalid, the odd success. Then it recovers.
 */
function outage(): (method: string) => Fault | undefined {
  let requests = 0;
  return () => {
    if (++requests > OUTAGE_REQUESTS) return undefined;
    const r = random();
    if (r < 0.35) return twilioError(429, 20429, "Too Many Requests", { "Retry-After": "30" });
    if (r < 0.6) return twilioError(r < 0.5 ? 500 : 503, 20500, "Internal Server Error");
    if (r < 0.7) return "hang";
    if (r < 0.8) return "accept-and-hang";
    if (r < 0.83) return twilioError(400, 21211, "The 'To' number is not a valid phone number.");
    return undefined;
  };
}

let twilio: Awaited<ReturnType<typeof startTwilioServer>>;
let worker: TestShop | undefined;
beforeAll(async () => {
  // The provider stamps messages on the same clock as the worker, so "sent since" lookups agree.
  twilio = await startTwilioServer({ [accountSid]: authToken }, { now: () => worker?.clock.now() ?? new Date() });
  process.env.SMS_PROVIDER_TIMEOUT_MS = String(TIMEOUT_MS);
});
afterAll(async () => {
  delete process.env.SMS_PROVIDER_TIMEOUT_MS;
  await twilio.close();
});

describe("the SMS provider fails for a while, then recovers", () => {
  it("every message ends SENT or FAILED with a reason, and no number is texted twice", async () => {
    const { domain, shopId, segmentId } = await seedCampaignShop("provider-outage", MESSAGES, twilio.url);
    const shop = (worker = new TestShop(domain, new Date()));
    twilio.misbehave(outage());
    await launchTestCampaign(shop.deps, shopId, segmentId);

    // The worker runs what is due, then time passes (backoffs are minutes long).
    const unfinished = () => db.message.count({ where: { shopId, status: { notIn: ["SENT", "FAILED"] } } });
    for (let round = 0; round < 60 && (round === 0 || (await unfinished()) > 0); round++) {
      await shop.work().catch(() => undefined); // a job that threw is retried by the engine
      shop.clock.advance(5 * MINUTE);
    }

    const messages = await db.message.findMany({
      where: { shopId },
      select: { phone: true, status: true, error: true, attempts: true },
    });
    const perNumber = sendsPerRecipient(twilio.received);
    const byStatus: Record<string, typeof messages> = {};
    for (const m of messages) (byStatus[m.status] ??= []).push(m);
    expect(messages).toHaveLength(MESSAGES);
    expect(Object.keys(byStatus).sort()).toEqual(expect.arrayContaining(["SENT"]));
    for (const m of messages) expect(["SENT", "FAILED"], m.status).toContain(m.status);
    for (const m of byStatus.FAILED ?? []) expect(m.error, "a failure says why").toBeTruthy();
    const duplicated = [...perNumber.values()].filter((n) => n > 1).length;
    expect(duplicated).toBe(0);
    // Each SENT message is at the provider exactly once.
    const sentPhones = await db.message.findMany({
      where: { shopId, status: "SENT" },
      select: { customer: { select: { phone: true } } },
    });
    for (const m of sentPhones) expect(perNumber.get(m.customer!.phone!)).toBe(1);
    const retried = messages.filter((m) => m.attempts > 1).length;
    console.log(
      `faults: provider outage (${OUTAGE_REQUESTS} requests answered 429/500/503/hung/accepted-unanswered/invalid, ${TIMEOUT_MS} ms timeout), ${MESSAGES} messages: ` +
        `${byStatus.SENT?.length ?? 0} SENT, ${byStatus.FAILED?.length ?? 0} FAILED with a reason, ${retried} needed retries, 0 duplicated at the provider`,
    );
  });
});
