import db from "../app/db.server";
import { ensureShop } from "../app/commerce/shops.server";
import { TableJobQueue } from "../app/jobs/table-queue.server";
import { jobHandlers } from "../app/jobs/handlers.server";
import { scheduleMessage } from "../app/messaging/dispatch.server";
import { ProviderRegistry } from "../app/messaging/providers/registry.server";
import { TwilioCredentials, TwilioProvider } from "../app/messaging/providers/twilio.server";
import { SendPacer } from "../app/messaging/rate-limit";
import { SecretBox } from "../app/security/secrets.server";
import { startTwilioServer } from "../test/support/twilio-server";
import { printTable, ratio } from "./stats";

/**
 * Dispatch throughput into a local Twilio-protocol server: messages scheduled for N
 * subscribed shoppers, sent by the worker's send jobs (gates, compliance text, SENDING
 * before / SENT after, provider call), against the bare adapter posting the same number of
 * messages with no database in the same run. Duplicates are counted at the server.
 */
export async function benchDispatch(o: { messages: number }) {
  const accountSid = `AC${"ab".repeat(16)}`;
  const authToken = "b".repeat(32);
  const twilio = await startTwilioServer({ [accountSid]: authToken });
  const credentials = TwilioCredentials.parse({ accountSid, authToken, from: "+14155550100", baseUrl: twilio.url });
  try {
    // Baseline: the adapter alone, sequential, as the worker sends.
    let t = performance.now();
    const bare = new TwilioProvider(credentials);
    for (let i = 0; i < o.messages; i++) await bare.send({ to: `+4474009${String(i).padStart(5, "0")}`, body: "baseline", messageId: `m${i}` });
    const bareRate = o.messages / ((performance.now() - t) / 1000);
    twilio.received.length = 0;

    const shop = await ensureShop(db, `bench-dispatch-${Date.now().toString(36)}.myshopify.com`);
    // All-day window and no cap: the bench measures sending, not waiting.
    await db.shopSettings.update({ where: { shopId: shop.id }, data: { messagesPerSecond: 100_000, quietHoursStartMinute: 1440, quietHoursEndMinute: 0, frequencyCapCount: 1_000_000 } });
    const providers = new ProviderRegistry(db, new SecretBox(Buffer.alloc(32, 3).toString("base64")));
    await providers.useTwilio(shop.id, credentials);
    await db.customer.createMany({
      data: Array.from({ length: o.messages }, (_, i) => ({
        shopId: shop.id, shopifyId: String(500_000 + i), phone: `+4474008${String(i).padStart(5, "0")}`, countryCode: "GB", timeZone: "Europe/London", smsConsent: "SUBSCRIBED" as const, firstName: "Ava",
      })),
    });
    const customers = await db.customer.findMany({ where: { shopId: shop.id }, select: { id: true } });
    const queue = new TableJobQueue(db);
    const deps = { db, clock: { now: () => new Date() }, queue, providers, pacer: new SendPacer(), appUrl: "https://bench.example" };
    for (const [i, c] of customers.entries()) {
      await scheduleMessage(deps, { shopId: shop.id, customerId: c.id, body: "Weekend sale: 20% off everything", purpose: "marketing", idempotencyKey: `bench:${i}`, dueAt: new Date() });
    }
    t = performance.now();
    const handlers = jobHandlers(deps);
    while ((await queue.runDue(handlers, "bench", 200)) > 0) {
      /* drain */
    }
    const rate = o.messages / ((performance.now() - t) / 1000);
    const perNumber = new Map<string, number>();
    for (const r of twilio.received) perNumber.set(r.params.To!, (perNumber.get(r.params.To!) ?? 0) + 1);
    const duplicates = [...perNumber.values()].reduce((s, n) => s + n - 1, 0);
    const sent = await db.message.count({ where: { shopId: shop.id, status: "SENT" } });
    printTable(`Dispatch: ${o.messages} marketing SMS into a local Twilio-protocol server (one worker)`, ["path", "messages/s", "received", "duplicates"], [
      ["bare adapter, no database", bareRate.toFixed(0), o.messages, 0],
      ["worker send jobs", rate.toFixed(0), `${twilio.received.length} (${sent} SENT)`, duplicates],
    ]);
    console.log(`ratio worker/bare: ${ratio(rate / bareRate)}`);
  } finally {
    await twilio.close();
  }
}
